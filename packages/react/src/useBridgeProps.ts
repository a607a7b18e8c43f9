import type { FlagBridge, FlagBridgeError, FlagBridgeUser, RoutingOptions } from '@flagbridge/core'
import { useEffect } from 'react'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect'
import { useValueMemo } from './useValueMemo'

/**
 * Connects a provider's bridge after commit and keeps it in step with the provider's props:
 * `user` and `routing` compared by value (inline objects are new on every render), `consent`
 * and `onError` as given. Shared by `FlagBridgeProvider` and `TestFlagBridgeProvider`, so
 * tests see the same prop behaviour as apps.
 */
export function useBridgeProps(
  bridge: FlagBridge,
  props: {
    user: FlagBridgeUser | undefined
    routing: RoutingOptions | undefined
    consent: boolean | undefined
    onError: ((error: FlagBridgeError) => void) | undefined
  },
) {
  const user = useValueMemo(props.user)
  const routing = useValueMemo(props.routing)
  const { consent = true, onError } = props
  useIsomorphicLayoutEffect(() => bridge.setOnError(onError), [bridge, onError])
  useIsomorphicLayoutEffect(() => bridge.connect(), [bridge])
  useIsomorphicLayoutEffect(() => {
    void bridge.identify(user)
  }, [bridge, user])
  useIsomorphicLayoutEffect(() => bridge.store.setRouting(routing ?? {}), [bridge, routing])
  useEffect(() => bridge.setConsent(consent), [bridge, consent])
}
