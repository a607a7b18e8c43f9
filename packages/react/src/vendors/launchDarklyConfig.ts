import type { LaunchDarklyBootstrap, LaunchDarklyClientLike } from '@flagbridge/core'

/** LaunchDarkly `LDOptions` FlagBridge reads; any other option is passed through to `initialize`. */
export interface LaunchDarklyOptions {
  /** Flags for the first render: an `allFlagsState().toJSON()` object (or `'localStorage'`). */
  bootstrap?: LaunchDarklyBootstrap | 'localStorage'
  baseUrl?: string
  streamUrl?: string
  eventsUrl?: string
  streaming?: boolean
  sendEvents?: boolean
  inspectors?: unknown[]
  [option: string]: unknown
}

/** `launchdarkly` prop of `<FlagBridgeProvider>`. */
export type LaunchDarklyConfig =
  | {
      clientSideID: string
      options?: LaunchDarklyOptions
      /** Passed to `LDProvider` for the app's own `useFlags` (FlagBridge always uses the original keys). */
      reactOptions?: {
        useCamelCaseFlagKeys?: boolean
        sendEventsOnFlagRead?: boolean
        [option: string]: unknown
      }
      /** Seconds to wait for the first flags before reporting an error. Default 5. */
      timeout?: number
    }
  | { client: LaunchDarklyClientLike; options?: Pick<LaunchDarklyOptions, 'bootstrap'> }
