import type { ConfigCatClientLike } from '@flagbridge/core'

/** Options passed to configcat-react's `ConfigCatProvider` (`IReactAutoPollOptions` and friends). */
export interface ConfigCatOptions {
  baseUrl?: string
  requestTimeoutMs?: number
  pollIntervalSeconds?: number
  maxInitWaitTimeSeconds?: number
  flagOverrides?: { behaviour?: number; [key: string]: unknown }
  offline?: boolean
  [option: string]: unknown
}

/** `configcat` prop of `<FlagBridgeProvider>`. */
export type ConfigCatConfig =
  | {
      sdkKey: string
      /** configcat-react's `PollingMode` (AutoPoll by default). */
      pollingMode?: number
      options?: ConfigCatOptions
      /** configcat-react provider id, when the app has several. */
      id?: string
    }
  | { client: ConfigCatClientLike }
