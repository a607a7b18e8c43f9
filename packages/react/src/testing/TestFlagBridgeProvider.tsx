import {
  createFlagBridge,
  createStaticVendor,
  type FlagBridgeError,
  type FlagBridgeUser,
  type FlagProvider,
  type RoutingOptions,
  type StaticFlag,
  type StaticVendor,
  type TrackingOptions,
} from '@flagbridge/core'
import { type ReactNode, useState } from 'react'
import { FlagBridgeContext } from '../FlagBridgeContext'
import { useBridgeProps } from '../useBridgeProps'
import type { EventRecorder } from './createEventRecorder'

/** Flags per vendor, or one plain object served as ConfigCat's. */
export type TestFlags = Record<string, StaticFlag> | Partial<Record<FlagProvider, Record<string, StaticFlag>>>

export interface TestFlagBridgeProviderProps {
  /** `{ beta: true }`, or per vendor: `{ configcat: { beta: true }, launchdarkly: { 'new-nav': { value: 'b', variationId: '1' } } }`. */
  flags?: TestFlags
  user?: FlagBridgeUser | undefined
  /** Records every identify and exposure the app would send. */
  recorder?: EventRecorder
  /** Defaults to `{ dedupe: 'page' }`, so tests don't share a session ledger. */
  tracking?: TrackingOptions
  routing?: RoutingOptions
  onError?: (error: FlagBridgeError) => void
  /** Receives the static vendors, to change flags live (`vendors.configcat.setFlag('beta', false)`). */
  onVendors?: (vendors: Partial<Record<FlagProvider, StaticVendor>>) => void
  children?: ReactNode
}

function isPerVendor(flags: TestFlags): flags is Partial<Record<FlagProvider, Record<string, StaticFlag>>> {
  const keys = Object.keys(flags)
  return keys.length > 0 && keys.every((key) => key === 'configcat' || key === 'launchdarkly')
}

/**
 * FlagBridge with flags from a plain object: no SDK, no network. Use it to test your
 * components, and with `createEventRecorder()` to assert what would be sent.
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
  tracking = { dedupe: 'page' },
  routing,
  onError,
  onVendors,
  children,
}: TestFlagBridgeProviderProps) {
  const [bridge] = useState(() => {
    const perVendor = isPerVendor(flags) ? flags : { configcat: flags }
    const vendors: Partial<Record<FlagProvider, StaticVendor>> = {}
    for (const provider of ['configcat', 'launchdarkly'] as const) {
      const vendorFlags = perVendor[provider]
      if (vendorFlags) vendors[provider] = createStaticVendor(provider, vendorFlags)
    }
    onVendors?.(vendors)
    return createFlagBridge({
      vendors,
      destinations: recorder ? [recorder.destination] : [],
      user,
      tracking,
      routing,
      onError,
      autoConnect: false,
    })
  })
  useBridgeProps(bridge, { user, routing, consent: tracking.consent, onError })
  return <FlagBridgeContext.Provider value={bridge}>{children}</FlagBridgeContext.Provider>
}
