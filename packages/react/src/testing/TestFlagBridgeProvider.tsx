import {
  createExposureTracker,
  createFlagBridgeWith,
  createStaticVendor,
  type FlagBridgeError,
  type FlagBridgeUser,
  type FlagProvider,
  type RoutingOptions,
  type StaticFlag,
  type StaticVendor,
  type TrackingOptions,
  trackerOptions,
} from '@flagbridge/core'
import { type ReactNode, useRef, useState } from 'react'
import { FlagBridgeContext } from '../FlagBridgeContext'
import { isRendering } from '../isRendering'
import { useBridgeProps } from '../useBridgeProps'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'
import { useReadOncePropsWarning } from '../useReadOncePropsWarning'
import { useValueMemo } from '../useValueMemo'
import type { EventRecorder } from './createEventRecorder'

/** Flags per vendor, or one plain object served as ConfigCat's. */
export type TestFlags = Record<string, StaticFlag> | Partial<Record<FlagProvider, Record<string, StaticFlag>>>

export interface TestFlagBridgeProviderProps {
  /**
   * `{ beta: true }`, or per vendor: `{ configcat: { beta: true }, launchdarkly: { 'new-nav': { value: 'b', variationId: '1' } } }`.
   * Compared by value: a re-render with other flags changes the ones that differ.
   */
  flags?: TestFlags
  user?: FlagBridgeUser | undefined
  /** Records every identify and exposure the app would send. */
  recorder?: EventRecorder
  /** As on `FlagBridgeProvider`, except `dedupe` defaults to `'page'`, so tests don't share a session ledger. */
  tracking?: TrackingOptions
  routing?: RoutingOptions
  onError?: (error: FlagBridgeError) => void
  /** Receives the static vendors, to change flags live (`vendors.configcat.setFlag('beta', false)`). */
  onVendors?: (vendors: Partial<Record<FlagProvider, StaticVendor>>) => void
  children?: ReactNode
}

type FlagsPerVendor = Partial<Record<FlagProvider, Record<string, StaticFlag>>>

const PROVIDERS = ['configcat', 'launchdarkly'] as const

function perVendor(flags: TestFlags): FlagsPerVendor {
  const keys = Object.keys(flags)
  const split = keys.length > 0 && keys.every((key) => key === 'configcat' || key === 'launchdarkly')
  return split ? (flags as FlagsPerVendor) : { configcat: flags as Record<string, StaticFlag> }
}

function createVendors(flags: FlagsPerVendor) {
  const vendors: Partial<Record<FlagProvider, StaticVendor>> = {}
  for (const provider of PROVIDERS) {
    const vendorFlags = flags[provider]
    if (vendorFlags) vendors[provider] = createStaticVendor(provider, vendorFlags)
  }
  return vendors
}

/**
 * FlagBridge with flags from a plain object: no SDK, no network. Use it to test your
 * components, and with `createEventRecorder()` to assert what would be sent. It follows its
 * props as `FlagBridgeProvider` does; a changed `flags` prop changes the flags that differ
 * (their readers re-render, as on a live update).
 *
 * @example
 * render(
 *   <TestFlagBridgeProvider flags={{ 'new-checkout': true }} user={{ id: 'u1' }}>
 *     <Checkout />
 *   </TestFlagBridgeProvider>,
 * )
 */
export function TestFlagBridgeProvider({
  flags = {},
  user,
  recorder,
  tracking,
  routing,
  onError,
  onVendors,
  children,
}: TestFlagBridgeProviderProps) {
  const [{ bridge, vendors }] = useState(() => {
    const vendors = createVendors(perVendor(flags))
    onVendors?.(vendors)
    const bridge = createFlagBridgeWith(
      {
        vendors,
        user,
        // Tests don't share a session ledger unless they ask for one.
        tracking: { ...tracking, dedupe: tracking?.dedupe ?? 'page' },
        routing,
        onError,
        autoConnect: false,
        isRendering,
      },
      // As FlagBridgeProvider's destinations: the checked maxValueLength cuts long values.
      (settings) => {
        const { tracking: checked, tracker } = trackerOptions(settings)
        const destinations =
          recorder && checked.enabled ? [recorder.destinationFor(checked.maxValueLength)] : []
        return createExposureTracker({ ...tracker, destinations })
      },
    )
    return { bridge, vendors }
  })
  useBridgeProps(bridge, { user, routing, consent: tracking?.consent, onError })
  useReadOncePropsWarning('TestFlagBridgeProvider', {}, tracking)

  const current = useValueMemo(perVendor(flags))
  const applied = useRef(current)
  useIsomorphicLayoutEffect(() => {
    const previous = applied.current
    if (previous === current) return
    applied.current = current
    let vendorsChanged = false
    for (const provider of PROVIDERS) {
      const next = current[provider]
      const vendor = vendors[provider]
      if (next && vendor) {
        const before = previous[provider] ?? {}
        for (const key of new Set([...Object.keys(before), ...Object.keys(next)])) {
          if (JSON.stringify(before[key]) !== JSON.stringify(next[key])) vendor.setFlag(key, next[key])
        }
      } else if (next || vendor) {
        // A vendor appears or goes: as if the provider had been mounted with these flags.
        vendors[provider] = next && createStaticVendor(provider, next)
        bridge.setVendor(provider, vendors[provider])
        vendorsChanged = true
      }
    }
    if (vendorsChanged) onVendors?.({ ...vendors })
  }, [bridge, vendors, current])

  return <FlagBridgeContext.Provider value={bridge}>{children}</FlagBridgeContext.Provider>
}
