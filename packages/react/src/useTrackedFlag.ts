import type { FlagBridgeError, FlagEvaluation, FlagProvider, FlagValue } from '@flagbridge/core/engine'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useBridge } from './FlagBridgeContext'
import { type ExposeControls, type ExposureOptions, NO_OPTIONS, useExposure } from './useExposure'

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

export interface UseTrackedFlagOptions extends ExposureOptions {
  /** Read the flag from this vendor, whatever the routing says. */
  source?: FlagProvider
}

/** What `useTrackedFlag` returns. */
export interface TrackedFlag<T> extends ExposeControls {
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

function toTrackedFlag<T>(evaluation: FlagEvaluation<unknown>, controls: ExposeControls): TrackedFlag<T> {
  return {
    value: evaluation.value as T,
    loading: evaluation.loading,
    source: evaluation.provider,
    variationId: evaluation.variationId,
    reason: evaluation.reason,
    overridden: evaluation.overridden,
    isDefault: evaluation.isDefault,
    error: evaluation.error,
    ref: controls.ref,
    expose: controls.expose,
  }
}

/**
 * Reads one feature flag and tracks its exposure to Segment and Heap once it has been
 * shown (after commit, deduplicated). The component re-renders only when this flag's
 * value, variation or state changes.
 *
 * `expose` says when the flag counts as seen: `'render'` (default) after commit; `'visible'`
 * once the element you attach `ref` to has been in view (`threshold` of it, default half, for
 * `minVisibleMs`, default 1,000); `'manual'` when you call `expose()`. Until then nothing is sent;
 * from then on the component's values are exposures as with `'render'`.
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
 *
 * @example
 * // Below the fold: sent once the banner has been half in view for a second.
 * const { value: promo, ref } = useTrackedFlag('promo-banner', false, { expose: 'visible' })
 * return <aside ref={ref}>{promo ? <NewPromo /> : <OldPromo />}</aside>
 *
 * @example
 * // In a menu: sent when the menu opens.
 * const { value: newItem, expose } = useTrackedFlag('menu-new-item', false, { expose: 'manual' })
 * return <Menu onOpenChange={(open) => open && expose()}>{newItem && <Item />}</Menu>
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
  const { source } = options ?? {}
  const { store } = bridge
  const subscribe = useCallback((onChange: () => void) => store.subscribe(key, onChange), [store, key])
  const evaluation = useSyncExternalStore(
    subscribe,
    () => store.getEvaluation(key, defaultValue, source),
    () => store.getServerEvaluation(key, defaultValue, source),
  )

  // note: after useSyncExternalStore, whose mount effect re-reads the snapshot first: one a change
  // replaced since this render (an override applied in a layout effect) is then known as superseded.
  const controls = useExposure(bridge, evaluation, options ?? NO_OPTIONS)
  return useMemo(() => toTrackedFlag<unknown>(evaluation, controls), [evaluation, controls])
}
