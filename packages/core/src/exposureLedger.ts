/** How long an exposure counts as already sent: the browser tab, the page, or not at all. */
export type DedupeScope = 'session' | 'page' | 'none'

/** The Web Storage subset the ledger persists to (sessionStorage in browsers). */
export interface LedgerStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export interface ExposureLedgerOptions {
  scope?: DedupeScope
  /** Defaults to `globalThis.sessionStorage` when the scope is `session`. */
  storage?: LedgerStorage | undefined
  storageKey?: string
  /** Keys remembered at most; the oldest are forgotten first. Bounds memory and storage. */
  maxEntries?: number
}

interface PersistedLedger {
  v: 1
  identity: string | null
  delivered: Record<string, string[]>
}

function sessionStorageOrUndefined(): LedgerStorage | undefined {
  try {
    return (globalThis as { sessionStorage?: LedgerStorage }).sessionStorage
  } catch {
    return undefined // Storage access can throw (sandboxed iframes, privacy modes).
  }
}

/**
 * Remembers which exposures each destination has taken, per identity. A key counts as
 * taken from the moment it is queued (so it isn't queued twice); only delivered keys are
 * persisted, so a reload re-sends what was still waiting. A new identity starts a new ledger.
 */
export function createExposureLedger({
  scope = 'session',
  storage = scope === 'session' ? sessionStorageOrUndefined() : undefined,
  storageKey = 'flagbridge:exposures',
  maxEntries = 10_000,
}: ExposureLedgerOptions = {}) {
  // One bit per destination: taken (queued or delivered).
  let taken = new Map<string, number>()
  let delivered = new Map<string, Set<string>>()
  let identity: string | null | undefined
  let persistScheduled = false

  const persist = () => {
    persistScheduled = false
    if (scope !== 'session' || !storage || identity === undefined) return
    const data: PersistedLedger = { v: 1, identity, delivered: {} }
    for (const [destination, keys] of delivered) data.delivered[destination] = [...keys]
    try {
      storage.setItem(storageKey, JSON.stringify(data))
    } catch {
      // Quota exceeded or storage blocked: dedup still works for this page.
    }
  }

  const load = (destinations: readonly string[]) => {
    if (scope !== 'session' || !storage) return
    try {
      const data = JSON.parse(storage.getItem(storageKey) ?? 'null') as PersistedLedger | null
      if (data?.v !== 1 || data.identity !== identity) return
      destinations.forEach((destination, index) => {
        for (const key of data.delivered[destination] ?? []) {
          taken.set(key, (taken.get(key) ?? 0) | (1 << index))
          deliveredSet(destination).add(key)
        }
      })
    } catch {}
  }

  const deliveredSet = (destination: string) => {
    let set = delivered.get(destination)
    if (!set) {
      set = new Set()
      delivered.set(destination, set)
    }
    return set
  }

  return {
    scope,
    maxEntries,
    /** Starts the ledger for an identity, restoring what this tab already delivered for it. */
    setIdentity(next: string | null, destinations: readonly string[]) {
      if (next === identity) return
      identity = next
      taken = new Map()
      delivered = new Map()
      load(destinations)
    },
    /** Bitmask of the destinations (by index) that took this key. */
    taken(key: string): number {
      const mask = taken.get(key)
      if (mask === undefined) return 0
      // At capacity, a key in use moves to the back, so eviction forgets the least recently seen.
      if (taken.size >= maxEntries) {
        taken.delete(key)
        taken.set(key, mask)
      }
      return mask
    },
    take(key: string, destinationIndex: number) {
      const mask = taken.get(key)
      if (mask === undefined && taken.size >= maxEntries) {
        const oldest = taken.keys().next().value as string
        taken.delete(oldest)
        for (const set of delivered.values()) set.delete(oldest)
      }
      taken.set(key, (mask ?? 0) | (1 << destinationIndex))
    },
    /** Forgets that a destination took a key (it was dropped or failed), so it may be sent again. */
    release(key: string, destinationIndex: number) {
      const mask = (taken.get(key) ?? 0) & ~(1 << destinationIndex)
      if (mask === 0) taken.delete(key)
      else taken.set(key, mask)
    },
    delivered(key: string, destination: string) {
      if (scope !== 'session') return
      deliveredSet(destination).add(key)
      if (!persistScheduled) {
        persistScheduled = true
        queueMicrotask(persist)
      }
    },
    size: () => taken.size,
  }
}

export type ExposureLedger = ReturnType<typeof createExposureLedger>
