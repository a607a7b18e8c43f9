import type { FlagProvider, FlagVendor } from '@flagbridge/core'
import { useBridge } from '../FlagBridgeContext'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'

/**
 * Hands a vendor to the bridge. The first time, during render, so the components below
 * already read served values in their first render (nothing is subscribed yet, so no
 * one is notified mid-render); afterwards, and for any change, in a layout effect.
 */
export function useRegisterVendor(
  provider: FlagProvider,
  vendor: FlagVendor,
  identifiedAs?: { user: unknown },
) {
  const bridge = useBridge('FlagBridgeProvider')
  if (bridge.store.vendor(provider) === undefined && !bridge.connected()) {
    bridge.setVendor(provider, vendor, identifiedAs)
  }
  useIsomorphicLayoutEffect(() => {
    bridge.setVendor(provider, vendor, identifiedAs)
    return () => bridge.setVendor(provider, undefined)
    // identifiedAs describes the vendor's creation; it only matters when the vendor changes.
  }, [bridge, provider, vendor])
}
