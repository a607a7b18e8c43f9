import type { FlagBridge, FlagOverride } from '@flagbridge/core'

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

/**
 * Applies the saved overrides to the bridge, then saves every later change. Only the
 * enabled overlay calls this, so a production build without `enabled` ignores them.
 * Returns the unsubscribe.
 */
export function syncPersistedOverrides(bridge: FlagBridge): () => void {
  const { store } = bridge
  for (const override of readPersistedOverrides()) {
    const current = store.overrides().find((o) => o.key === override.key && o.provider === override.provider)
    if (!current) store.setOverride(override)
  }
  let saved = JSON.stringify(store.overrides())
  const save = () => {
    const next = JSON.stringify(store.overrides())
    if (next === saved) return
    saved = next
    try {
      if (store.overrides().length === 0) storage()?.removeItem(OVERRIDES_STORAGE_KEY)
      else storage()?.setItem(OVERRIDES_STORAGE_KEY, next)
    } catch {}
  }
  save()
  return store.subscribeAll(save)
}
