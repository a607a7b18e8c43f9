import type { FlagBridgeError, FlagEvaluation, FlagProvider, FlagValue } from '@flagbridge/core'
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { useBridge } from './FlagBridgeContext'

/**
 * The type served for a default: `false` → `boolean`, `'a'` → `string`, `1` → `number`. For
 * `null`, lists and objects it is `unknown`: at run time only the kind of a JSON value is
 * checked (an object for an object), never its shape, so name the type you expect instead:
 * `useTrackedFlag<Layout>('layout', defaultLayout)`.
 */
export type Widen<T> = T extends boolean
  ? boolean
  : T extends string
    ? string
    : T extends number
      ? number
      : unknown

/** `T` as written by the caller, never inferred from the argument. */
type Explicit<T> = [T][T extends unknown ? 0 : never]

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
 * Types: a boolean, text or number default gives that type. A JSON flag (object, list, or a
 * `null` default) is `unknown` unless you name its type, which FlagBridge cannot check beyond
 * "an object" or "a list": `useTrackedFlag<Layout>('layout', { columns: 2 })`.
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
 *
 * @example
 * // A JSON flag, typed by the caller:
 * const { value: layout } = useTrackedFlag<{ columns: number }>('layout', { columns: 2 })
 */
export function useTrackedFlag<T extends object | null = never>(
  key: string,
  defaultValue: Explicit<T>,
  options?: UseTrackedFlagOptions | null,
): TrackedFlag<T>
export function useTrackedFlag<D extends FlagValue>(
  key: string,
  defaultValue: D,
  options?: UseTrackedFlagOptions | null,
): TrackedFlag<Widen<D>>
export function useTrackedFlag(
  key: string,
  defaultValue: unknown,
  options?: UseTrackedFlagOptions | null,
): TrackedFlag<unknown> {
  const bridge = useBridge('useTrackedFlag')
  const { source, track = true } = options ?? {}
  const { store } = bridge
  const subscribe = useCallback((onChange: () => void) => store.subscribe(key, onChange), [store, key])
  const evaluation = useSyncExternalStore(
    subscribe,
    () => store.getEvaluation(key, defaultValue, source),
    () => store.getServerEvaluation(key, defaultValue, source),
  )

  // StrictMode runs effects twice with the same refs: record each snapshot once, and again only
  // if tracking was turned on for a snapshot already shown untracked.
  const recorded = useRef<{ evaluation: FlagEvaluation<unknown>; track: boolean } | undefined>(undefined)
  useEffect(() => {
    const last = recorded.current
    if (last?.evaluation === evaluation && (last.track || !track)) return
    recorded.current = { evaluation, track }
    bridge.recordExposure(evaluation, { track })
  }, [bridge, evaluation, track])

  return useMemo(() => toTrackedFlag<unknown>(evaluation), [evaluation])
}
