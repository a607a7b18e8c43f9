import type { FlagBridge, FlagOverride, FlagStore } from '@flagbridge/core'

/** Where the overlay keeps overrides between page loads. */
export const OVERRIDES_STORAGE_KEY = 'flagbridge:overrides'

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    // Storage can be blocked (sandboxed iframes, privacy settings).
    return undefined
  }
}

/** Overrides saved by an enabled overlay; anything malformed is ignored. */
export function readPersistedOverrides(): FlagOverride[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(OVERRIDES_STORAGE_KEY) ?? '[]')
    if (!Array.isArray(parsed)) return []
    return parsed.filter(
      (item): item is FlagOverride =>
        typeof item === 'object' &&
        item !== null &&
        typeof item.key === 'string' &&
        'value' in item &&
        (item.provider === undefined || item.provider === 'configcat' || item.provider === 'launchdarkly'),
    )
  } catch {
    return []
  }
}

/** The overrides each store's overlay set (from its controls or storage): they go with the overlay. */
const overlayOverrides = new WeakMap<FlagStore, Set<FlagOverride>>()
const ownedBy = (store: FlagStore) => {
  let owned = overlayOverrides.get(store)
  if (!owned) {
    owned = new Set()
    overlayOverrides.set(store, owned)
  }
  return owned
}

/** Sets an override as the overlay's own (its controls use this). */
export function setOverlayOverride(store: FlagStore, override: FlagOverride) {
  ownedBy(store).add(override)
  store.setOverride(override)
}

/**
 * While the enabled overlay is mounted: with `persist`, applies the saved overrides and saves every
 * later change of the overlay's own (never the app's `setOverride`). Returns what removes the
 * overlay's overrides when it unmounts or is disabled (a staff-only overlay leaves nothing behind
 * for the next visitor); saved ones come back with it.
 */
export function syncPersistedOverrides(bridge: FlagBridge, persist: boolean): () => void {
  const { store } = bridge
  const owned = ownedBy(store)
  const own = () => store.overrides().filter((override) => owned.has(override))
  let stop = () => {}
  if (persist) {
    for (const override of readPersistedOverrides()) {
      const current = store
        .overrides()
        .find((o) => o.key === override.key && o.provider === override.provider)
      if (!current) setOverlayOverride(store, override)
    }
    let saved = JSON.stringify(own())
    const save = () => {
      const next = JSON.stringify(own())
      if (next === saved) return
      saved = next
      try {
        if (next === '[]') storage()?.removeItem(OVERRIDES_STORAGE_KEY)
        else storage()?.setItem(OVERRIDES_STORAGE_KEY, next)
      } catch {}
    }
    save()
    stop = store.subscribeAll(save)
  }
  return () => {
    // Unsubscribed first: what is saved stays saved.
    stop()
    for (const override of own()) store.clearOverride(override.key, override.provider)
    owned.clear()
  }
}
