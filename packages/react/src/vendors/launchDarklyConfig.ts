import type { LaunchDarklyBootstrap, LaunchDarklyClientLike } from '@flagbridge/core/engine'

/**
 * LaunchDarkly's `LDOptions`: a variable typed with it is accepted as it is. The fields FlagBridge
 * reads are typed; any other option is passed through to `initialize`.
 */
export interface LaunchDarklyOptions {
  /** Flags for the first render: an `allFlagsState().toJSON()` object (or `'localStorage'`). */
  bootstrap?: LaunchDarklyBootstrap | 'localStorage'
  baseUrl?: string
  streamUrl?: string
  eventsUrl?: string
  streaming?: boolean
  sendEvents?: boolean
  inspectors?: unknown[]
  // `unknown` would refuse LDOptions (an interface, no index signature).
  [option: string]: any
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
      /**
       * Milliseconds to wait for the first flags before they report an error (`VENDOR_ERROR`) and
       * serve their defaults; the values still arrive if LaunchDarkly answers later. Default 5,000.
       * Milliseconds, like every duration FlagBridge takes (core's `createLaunchDarklyVendor({ timeout })`,
       * Heap's `loadTimeout`, ConfigCat's `requestTimeoutMs`), and named so the unit can't be mistaken.
       */
      timeoutMs?: number
      /**
       * @deprecated Seconds, as `LDProvider`'s own `timeout`: use `timeoutMs` (milliseconds). Still
       * honoured when `timeoutMs` is absent; development builds warn.
       */
      timeout?: number
    }
  | { client: LaunchDarklyClientLike; options?: Pick<LaunchDarklyOptions, 'bootstrap'> }
