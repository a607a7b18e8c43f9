import type { ConfigCatBootstrap, ConfigCatClientLike } from '@flagbridge/core/engine'

/**
 * Options passed to configcat-react's `ConfigCatProvider`: a variable typed with its
 * `IReactAutoPollOptions` (or the lazy-load and manual-poll ones) is accepted as it is. The
 * fields FlagBridge reads are typed as ConfigCat types them; the SDK checks the rest.
 */
export interface ConfigCatOptions {
  baseUrl?: string | null
  requestTimeoutMs?: number | null
  pollIntervalSeconds?: number
  maxInitWaitTimeSeconds?: number
  // ConfigCat's own FlagOverrides interface must fit.
  flagOverrides?: { behaviour?: number; [key: string]: any } | null
  offline?: boolean | null
  // `unknown` would refuse ConfigCat's interfaces (no index signature).
  [option: string]: any
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
      /**
       * From `getConfigCatBootstrap` / `getFlagBridgeBootstrap` on the server
       * (`@flagbridge/react/server`): the server renders the values it evaluated, and the
       * browser's client starts from the server's config (it becomes the client's cache, in
       * place of `options.cache`), so the first render has served values and polling goes on
       * from there. Read once, when the client is created.
       */
      bootstrap?: ConfigCatBootstrap | undefined
    }
  | { client: ConfigCatClientLike }
