import type { FlagBridgeError, FlagEvaluation, FlagProvider, FlagValue } from '@flagbridge/core'
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { useBridge } from './FlagBridgeContext'

/** `false` → `boolean`, `'a'` → `string`: the value's type comes from the default, widened. */
export type Widen<T> = T extends boolean ? boolean : T extends string ? string : T extends number ? number : T

export interface UseTrackedFlagOptions {
  /** Read the flag from this vendor, whatever the routing says. */
  source?: FlagProvider
  /** Send this flag's exposures to analytics. Default `true`. */
  track?: boolean
}

/** What `useTrackedFlag` returns. */
export interface TrackedFlag<T> {
  /** The served value, or the default while loading, on error, or for an unknown key. */
  value: T
  /** The vendor hasn't delivered its flags (for this user) yet. */
  loading: boolean
  /** The vendor that serves this key. */
  source: FlagProvider | undefined
  variationId: string | undefined
  reason: string | undefined
  /** The value was set locally (devtools, test helpers). */
  overridden: boolean
  /** `true` when the default is shown. */
  isDefault: boolean
  /** Why the default is shown: vendor down, wrong type, no vendor, invalid key. */
  error: FlagBridgeError | undefined
}

function toTrackedFlag<T>(evaluation: FlagEvaluation<unknown>): TrackedFlag<T> {
  return {
    value: evaluation.value as T,
    loading: evaluation.loading,
    source: evaluation.provider,
    variationId: evaluation.variationId,
    reason: evaluation.reason,
    overridden: evaluation.overridden,
    isDefault: evaluation.isDefault,
    error: evaluation.error,
  }
}

/**
 * Reads one feature flag and tracks its exposure to Segment and Heap once it has been
 * shown (after commit, deduplicated). The component re-renders only when this flag's
 * value, variation or state changes.
 *
 * @example
 * function Checkout() {
 *   const { value: newCheckout } = useTrackedFlag('new-checkout', false)
 *   return newCheckout ? <NewCheckout /> : <OldCheckout />
 * }
 *
 * @example
 * // Read from a given vendor, without tracking:
 * const { value } = useTrackedFlag('banner-text', '', { source: 'launchdarkly', track: false })
 */
export function useTrackedFlag<T extends FlagValue>(
  key: string,
  defaultValue: T,
  options: UseTrackedFlagOptions = {},
): TrackedFlag<Widen<T>> {
  const bridge = useBridge('useTrackedFlag')
  const { source, track = true } = options
  const { store } = bridge
  const subscribe = useCallback((onChange: () => void) => store.subscribe(key, onChange), [store, key])
  const evaluation = useSyncExternalStore(
    subscribe,
    () => store.getEvaluation(key, defaultValue, source),
    () => store.getServerEvaluation(key, defaultValue, source),
  )

  // StrictMode runs effects twice with the same refs: record each snapshot once.
  const recorded = useRef<FlagEvaluation<unknown> | undefined>(undefined)
  useEffect(() => {
    if (recorded.current === evaluation) return
    recorded.current = evaluation
    bridge.recordExposure(evaluation, { track })
  }, [bridge, evaluation, track])

  return useMemo(() => toTrackedFlag<Widen<T>>(evaluation), [evaluation])
}
