import type { FlagBridge, FlagOverride, FlagProvider } from '@flagbridge/core'

/** One line of the Flags tab: a key as one vendor serves it, with what the app saw. */
export interface FlagRow {
  id: string
  key: string
  provider: FlagProvider | undefined
  value: unknown
  variationId: string | undefined
  reason: string | undefined
  isDefault: boolean
  overridden: boolean
  /** Evaluations by committed components; 0 when the app never read the key. */
  count: number
  lastEvaluatedAt: number | undefined
  error: string | undefined
}

export type FlagStateFilter = 'all' | 'overridden' | 'default' | 'evaluated' | 'unused' | 'error'

const rowId = (provider: FlagProvider | undefined, key: string) => `${provider ?? '-'}\u0001${key}`

/**
 * Every key a vendor knows plus every key evaluated, sorted by key. Values come from what
 * the app last saw for evaluated keys, else straight from the vendor; overrides win.
 */
export function collectFlagRows(bridge: FlagBridge): FlagRow[] {
  const { store } = bridge
  const user = store.user()
  const overrides = new Map<string, FlagOverride>()
  for (const override of store.overrides()) overrides.set(rowId(override.provider, override.key), override)
  const overrideFor = (provider: FlagProvider | undefined, key: string) =>
    overrides.get(rowId(provider, key)) ?? overrides.get(rowId(undefined, key))

  const rows = new Map<string, FlagRow>()
  const fromVendor = (key: string, provider: FlagProvider): FlagRow => {
    const row: FlagRow = {
      id: rowId(provider, key),
      key,
      provider,
      value: undefined,
      variationId: undefined,
      reason: undefined,
      isDefault: true,
      overridden: false,
      count: 0,
      lastEvaluatedAt: undefined,
      error: undefined,
    }
    try {
      const vendor = store.vendor(provider)
      const served = vendor?.peek ? vendor.peek(key, user) : vendor?.evaluate(key, null, user)
      if (served) {
        row.value = served.value
        row.variationId = served.variationId
        row.reason = served.reason
        row.isDefault = served.isDefault
        row.error = served.error?.message
      }
    } catch (error) {
      row.error = error instanceof Error ? error.message : String(error)
    }
    return row
  }

  for (const { key, provider } of store.knownKeys()) rows.set(rowId(provider, key), fromVendor(key, provider))
  for (const [key, stats] of bridge.evaluationStats()) {
    const { last } = stats
    const id = rowId(last.provider, key)
    // A stale overridden snapshot (override cleared since, reader unmounted) says less than the vendor.
    const base =
      last.overridden && !overrideFor(last.provider, key) && last.provider
        ? fromVendor(key, last.provider)
        : {
            id,
            key,
            provider: last.provider,
            value: last.value,
            variationId: last.variationId,
            reason: last.reason,
            isDefault: last.isDefault,
            overridden: last.overridden,
            error: last.error?.message,
          }
    rows.set(id, { ...base, count: stats.count, lastEvaluatedAt: stats.lastEvaluatedAt })
  }
  for (const row of rows.values()) {
    const override = overrideFor(row.provider, row.key)
    if (override) {
      row.value = override.value
      row.overridden = true
      row.isDefault = false
      row.error = undefined
    }
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Rows matching a key search (case-insensitive substring), a vendor and a state. */
export function filterFlagRows(
  rows: readonly FlagRow[],
  query: string,
  provider: FlagProvider | 'all',
  state: FlagStateFilter,
): FlagRow[] {
  const needle = query.trim().toLowerCase()
  return rows.filter((row) => {
    if (needle && !row.key.toLowerCase().includes(needle)) return false
    if (provider !== 'all' && row.provider !== provider) return false
    switch (state) {
      case 'overridden':
        return row.overridden
      case 'default':
        return row.isDefault
      case 'evaluated':
        return row.count > 0
      case 'unused':
        return row.count === 0
      case 'error':
        return row.error !== undefined
      default:
        return true
    }
  })
}
