import {
  createDeferredTracker,
  createFlagBridgeWith,
  type FlagBridgeError,
  type FlagBridgeUser,
  type RoutingOptions,
  type TrackingOptions,
} from '@flagbridge/core/engine'
import type { HeapDestinationOptions } from '@flagbridge/core/tracking'
import { type ComponentType, type ReactNode, useEffect, useState } from 'react'
import { FlagBridgeContext } from './FlagBridgeContext'
import { isRendering } from './isRendering'
import type { SegmentConfig } from './segmentLoader'
import { useBridgeProps } from './useBridgeProps'
import { useReadOncePropsWarning } from './useReadOncePropsWarning'
import type { ConfigCatConfig } from './vendors/configCatConfig'
import type { LaunchDarklyConfig } from './vendors/launchDarklyConfig'
import { VendorBoundary } from './vendors/VendorBoundary'

/** `heap` prop: `{}` to use `window.heap`, or an explicit API. */
export type HeapConfig = Pick<HeapDestinationOptions, 'api'>

export interface FlagBridgeProviderProps {
  /** ConfigCat: renders configcat-react's `ConfigCatProvider` (`{ sdkKey, options }`), or uses `{ client }`. */
  configcat?: ConfigCatConfig
  /** LaunchDarkly: renders `LDProvider` (`{ clientSideID, options, reactOptions, timeoutMs }`), or uses `{ client }`. */
  launchdarkly?: LaunchDarklyConfig
  /**
   * Segment: `{ writeKey }` loads analytics-next once consent is given; `{ analytics }` uses the
   * app's instance. Read once, when the provider mounts: give it a new `key` to change it.
   */
  segment?: SegmentConfig
  /**
   * Heap: `{}` uses `window.heap` (snippet queue or heap.js), waiting for it to load and for
   * consent. Read once, when the provider mounts.
   */
  heap?: HeapConfig
  /** The signed-in user, compared by value; `undefined` for anonymous visitors. */
  user?: FlagBridgeUser | undefined
  /** Read once, when the provider mounts (give it a new `key` to change it), except `consent`, which is followed. */
  tracking?: TrackingOptions
  routing?: RoutingOptions
  /** Every error FlagBridge catches: vendor and destination failures, bad input. */
  onError?: (error: FlagBridgeError) => void
  children?: ReactNode
}

/**
 * How an entry point renders a vendor's own React provider around the tree; an entry point
 * that doesn't bind a vendor gives a binding that says so (`MissingVendorBinding`).
 */
export interface VendorBindings {
  configcat: ComponentType<{ config: ConfigCatConfig; children?: ReactNode }>
  launchdarkly: ComponentType<{ config: LaunchDarklyConfig; children?: ReactNode }>
}

/**
 * The provider behind every entry point's `FlagBridgeProvider`; `bindings` are the vendor
 * SDKs that entry point imports.
 */
export function FlagBridgeProviderWith(props: FlagBridgeProviderProps & { bindings: VendorBindings }) {
  const { bindings, configcat, launchdarkly, segment, heap, user, tracking, routing, onError, children } =
    props
  // Created once; inert until connected after commit, so a render React discards costs nothing.
  // Vendors, destinations and tracking options are read once, like ConfigCatProvider's options;
  // development builds warn when one of them changes (heap: given or not; its api may change,
  // as heap.js replaces the snippet's stub, and FlagBridge follows window.heap anyway).
  const [bridge] = useState(() =>
    createFlagBridgeWith(
      { user, tracking, routing, onError, autoConnect: false, isRendering },
      // The tracking half (ledger, payloads, Segment, Heap) is its own chunk, imported once
      // connected: exposures happen after commit, and calls made before it loads wait in order.
      (settings) =>
        createDeferredTracker({
          // Only what tracking reads: the first render's children are not kept alive.
          load: () =>
            import('./tracking').then((module) => module.createTracker({ segment, heap }, settings)),
          log: settings.eventLog,
          consent: settings.consent,
          onError: settings.onError,
          // Unchecked: only 'none' changes what waits (the tracker's checks report a refused value).
          dedupe: settings.tracking?.dedupe,
        }),
    ),
  )
  useBridgeProps(bridge, { user, routing, consent: tracking?.consent, onError })
  useReadOncePropsWarning('FlagBridgeProvider', { segment, heap: heap !== undefined }, tracking)
  const noVendor = !configcat && !launchdarkly
  useEffect(() => {
    if (noVendor && process.env.NODE_ENV !== 'production') {
      console.warn(
        '[flagbridge] <FlagBridgeProvider> has neither configcat nor launchdarkly: every flag serves its default.',
      )
    }
  }, [noVendor])

  // Each binding inside its own boundary: a vendor that fails to start serves defaults, alone.
  let tree = children
  if (launchdarkly) {
    const LaunchDarkly = bindings.launchdarkly
    tree = (
      <VendorBoundary
        provider="launchdarkly"
        binding={(inner) => <LaunchDarkly config={launchdarkly}>{inner}</LaunchDarkly>}
      >
        {tree}
      </VendorBoundary>
    )
  }
  if (configcat) {
    const ConfigCat = bindings.configcat
    tree = (
      <VendorBoundary
        provider="configcat"
        binding={(inner) => <ConfigCat config={configcat}>{inner}</ConfigCat>}
      >
        {tree}
      </VendorBoundary>
    )
  }
  return <FlagBridgeContext.Provider value={bridge}>{tree}</FlagBridgeContext.Provider>
}
