import type { FlagProvider, FlagVendor } from '@flagbridge/core/engine'
import { useRef } from 'react'
import { useBridge } from '../FlagBridgeContext'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'

/**
 * Hands a vendor to the bridge. Until the bridge is connected, during render, so the components
 * below already read served values in their first render (nothing is subscribed yet, so no one
 * is notified mid-render; a vendor whose provider failed is replaced before anyone reads it);
 * afterwards, and for any change, in a layout effect.
 */
export function useRegisterVendor(provider: FlagProvider, vendor: FlagVendor) {
  const bridge = useBridge('FlagBridgeProvider')
  if (!bridge.connected()) bridge.setVendor(provider, vendor)
  // Survives StrictMode's unmount and remount, unlike a variable inside the effect.
  const mounted = useRef(false)
  useIsomorphicLayoutEffect(() => {
    bridge.setVendor(provider, vendor)
    mounted.current = true
    return () => {
      mounted.current = false
      // StrictMode unmounts and remounts at once: only a vendor still unmounted a tick later is removed.
      queueMicrotask(() => {
        if (!mounted.current && bridge.store.vendor(provider) === vendor)
          bridge.setVendor(provider, undefined)
      })
    }
  }, [bridge, provider, vendor])
}
