import type { HeapScalar } from './exposure'

/** Below Heap's 4 KB props cookie, with room for the app's own event properties. */
export const DEFAULT_HEAP_BUDGET = 3_000

/** What to tell Heap so its event properties hold the latest flags within the budget. */
export interface EventPropertyChanges {
  add: Record<string, HeapScalar> | undefined
  remove: string[]
  /** The flag alone is larger than the budget, so it is not kept as an event property. */
  tooLarge?: boolean
}

// Sizes below are exactly `encodeURIComponent(JSON.stringify(props)).length`:
// `{}` is 6 bytes encoded (`%7B%7D`), each `:` and `,` is 3 (`%3A`, `%2C`), and each entry's
// key and value add their own.
const EMPTY_SIZE = 6
const SEPARATOR_SIZE = 3

function encodedSize(value: unknown): number {
  return encodeURIComponent(JSON.stringify(value)).length
}

/**
 * Keeps flag values as Heap event properties without letting the encoded size pass the
 * budget: setting a flag makes it the most recent; the least recently set are evicted.
 * Pure bookkeeping: the Heap destination applies the returned changes.
 *
 * @example
 * const budget = createEventPropertyBudget(3000)
 * const { add, remove } = budget.set('newCheckout', true)
 * for (const key of remove) heap.removeEventProperty(key)
 * if (add) heap.addEventProperties(add)
 */
export function createEventPropertyBudget(budget = DEFAULT_HEAP_BUDGET) {
  // Map order is recency order: oldest first.
  const entries = new Map<string, { value: HeapScalar; size: number }>()
  let total = EMPTY_SIZE

  /** What an entry adds to the total beside the others: itself, and a comma when there are others. */
  const cost = (entrySize: number) => entrySize + (entries.size > 0 ? SEPARATOR_SIZE : 0)

  const remove = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return
    entries.delete(key)
    total -= cost(entry.size)
  }

  return {
    /** Records `key = value` as the most recent flag; returns what Heap must add and remove. */
    set(key: string, value: HeapScalar): EventPropertyChanges {
      const previous = entries.get(key)
      const unchanged = previous?.value === value
      remove(key)
      // `"key":value` inside an object is the encoded key, an encoded colon, and the encoded value.
      const size = encodedSize(key) + SEPARATOR_SIZE + encodedSize(value)
      const evicted: string[] = []
      if (EMPTY_SIZE + size > budget) {
        return { add: undefined, remove: previous ? [key] : [], tooLarge: true }
      }
      while (total + cost(size) > budget) {
        const oldest = entries.keys().next().value as string
        remove(oldest)
        evicted.push(oldest)
      }
      total += cost(size)
      entries.set(key, { value, size })
      return { add: unchanged ? undefined : { [key]: value }, remove: evicted }
    },
    /** The properties held now, oldest first. */
    entries: (): Array<[string, HeapScalar]> => [...entries].map(([key, { value }]) => [key, value]),
    /** The encoded size of all properties held now. */
    size: () => total,
    keys: () => [...entries.keys()],
    clear() {
      entries.clear()
      total = EMPTY_SIZE
    },
  }
}

export type EventPropertyBudget = ReturnType<typeof createEventPropertyBudget>
