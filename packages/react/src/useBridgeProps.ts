import type { FlagBridge, FlagBridgeError, FlagBridgeUser, RoutingOptions } from '@flagbridge/core/engine'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect'
import { useValueMemo } from './useValueMemo'

/**
 * Connects a provider's bridge after commit and keeps it in step with the provider's props:
 * `user` and `routing` compared by value (inline objects are new on every render), `consent`
 * and `onError` as given. All of it lands in layout effects, before any exposure of the same
 * commit is recorded (those are passive effects). Shared by `FlagBridgeProvider` and
 * `TestFlagBridgeProvider`, so tests see the same prop behaviour as apps.
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
  useIsomorphicLayoutEffect(() => bridge.setRouting(routing), [bridge, routing])
  // note: a layout effect, so consent changes before the children's passive effects record the
  // exposures of the same commit (a flag revealed as consent is revoked must wait for it).
  useIsomorphicLayoutEffect(() => bridge.setConsent(consent), [bridge, consent])
}
