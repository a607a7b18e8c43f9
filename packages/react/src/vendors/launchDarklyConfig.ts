import type {
  LaunchDarklyBootstrap,
  LaunchDarklyClientLike,
  LaunchDarklyInspectors,
} from '@flagbridge/core/engine'

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
  | {
      client: LaunchDarklyClientLike
      /**
       * The {@link createLaunchDarklyInspectors} your client was created with (`inspectors:
       * launchDarkly.inspectors`): FlagBridge then reads what LaunchDarkly reported, and LaunchDarkly
       * counts a flag once it was shown. Without them FlagBridge reads with `variationDetail()`,
       * which LaunchDarkly counts as an evaluation in every render, shown or not.
       */
      inspectors?: LaunchDarklyInspectors
      options?: Pick<LaunchDarklyOptions, 'bootstrap'>
    }
