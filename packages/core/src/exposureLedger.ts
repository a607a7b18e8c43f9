import { batchPerMicrotask } from './microtaskBatch'

/** How long an exposure counts as already sent: the browser tab, the page, or not at all. */
export type DedupeScope = 'session' | 'page' | 'none'

/** The Web Storage subset the ledger persists to (sessionStorage in browsers). */
export interface LedgerStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem?(key: string): void
}

export interface ExposureLedgerOptions {
  scope?: DedupeScope
  /** Defaults to `globalThis.sessionStorage` when the scope is `session`. */
  storage?: LedgerStorage | undefined
  /** Prefix of the storage keys: one key per identity, and one listing them. */
  storageKey?: string
  /** Keys remembered at most; the oldest are forgotten first. Bounds memory and storage. */
  maxEntries?: number
  /** Identities whose ledgers are kept in storage at most; the least recently used go first. */
  maxIdentities?: number
}

interface PersistedLedger {
  v: 2
  delivered: Record<string, string[]>
}

function sessionStorageOrUndefined(): LedgerStorage | undefined {
  try {
    return (globalThis as { sessionStorage?: LedgerStorage }).sessionStorage
  } catch {
    return undefined // Storage access can throw (sandboxed iframes, privacy modes).
  }
}

function readJson(storage: LedgerStorage, key: string): unknown {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null')
  } catch {
    return null
  }
}

/**
 * What the ledgers of this tab (per storage) handed to a destination and is still being delivered,
 * per identity: the same exposure for another provider on the page, or for the provider remounted
 * meanwhile, which see only what is stored, once delivered.
 */
const handedOver = new WeakMap<LedgerStorage, Set<string>>()

/**
 * The stored ledgers of a tab's storage as read in this task, per identity and destination: a page
 * hands over many exposures at once, and each would otherwise parse the whole stored ledger.
 * Forgotten at the end of the task and whenever a ledger writes.
 */
const storedReads = new WeakMap<LedgerStorage, Map<string, Set<string>>>()

/**
 * Remembers which exposures each destination has taken, per identity. A key counts as
 * taken from the moment it is queued (so it isn't queued twice); only delivered keys are
 * persisted, so a reload re-sends what was still waiting. A new identity starts a new ledger.
 *
 * In `session` scope each identity has its own storage key, and writes merge with what is
 * stored, so two providers in one tab, or a → b → a, never overwrite each other's deliveries.
 */
export function createExposureLedger({
  scope = 'session',
  storage = scope === 'session' ? sessionStorageOrUndefined() : undefined,
  storageKey = 'flagbridge:exposures',
  maxEntries = 10_000,
  maxIdentities = 20,
}: ExposureLedgerOptions = {}) {
  // Only the session scope persists: 'page' never touches storage, even when given one.
  const sessionStore = scope === 'session' ? storage : undefined
  // One bit per destination: taken (queued or delivered).
  let taken = new Map<string, number>()
  let delivered = new Map<string, Set<string>>()
  let identity: string | null | undefined
  /** Deliveries not yet written to storage. */
  let dirty = false
  /**
   * What each signed-in user met on this page took, the most recent last (at most `maxIdentities`):
   * a user back on the same page (a → b → a, a session check dropping the user for a moment) is not
   * sent again what was sent, or is still waiting to be sent, to them.
   */
  const seen = new Map<string, Map<string, number>>()

  const keyOf = (who: string | null) => `${storageKey}:${JSON.stringify(who)}`
  const handed = sessionStore ? (handedOver.get(sessionStore) ?? new Set<string>()) : undefined
  if (sessionStore && handed) handedOver.set(sessionStore, handed)
  const persisted = (store: LedgerStorage, who: string | null): PersistedLedger['delivered'] => {
    const data = readJson(store, keyOf(who)) as PersistedLedger | null
    return data?.v === 2 && typeof data.delivered === 'object' && data.delivered ? data.delivered : {}
  }

  /** Moves an identity's storage `key` to the front of the list, forgetting the oldest beyond the bound. */
  const remember = (store: LedgerStorage, key: string) => {
    const listed = readJson(store, storageKey)
    const identities = (Array.isArray(listed) ? listed : []).filter(
      (entry): entry is string => typeof entry === 'string' && entry !== key,
    )
    identities.push(key)
    // A negative count splices nothing: within the bound, nothing is forgotten.
    for (const forgotten of identities.splice(0, identities.length - maxIdentities)) {
      if (store.removeItem) store.removeItem(forgotten)
      else store.setItem(forgotten, '')
    }
    store.setItem(storageKey, JSON.stringify(identities))
  }

  /** Adds `deliveries` to what `who`'s stored ledger holds. */
  const write = (store: LedgerStorage, who: string | null, deliveries: Map<string, Set<string>>) => {
    try {
      // Merge: another provider in this tab may have stored deliveries for the same identity.
      const merged = persisted(store, who)
      for (const [destination, keys] of deliveries) {
        const union = new Set([...(merged[destination] ?? []), ...keys])
        merged[destination] = [...union].slice(-maxEntries)
      }
      store.setItem(keyOf(who), JSON.stringify({ v: 2, delivered: merged } satisfies PersistedLedger))
      storedReads.delete(store)
      remember(store, keyOf(who))
    } catch {
      // Quota exceeded or storage blocked: dedup still works for this page.
    }
  }

  /** Whether `who`'s stored ledger says `destination` took `key`. */
  const stored = (store: LedgerStorage, who: string | null, destination: string, key: string) => {
    let reads = storedReads.get(store)
    if (!reads) {
      reads = new Map()
      storedReads.set(store, reads)
      queueMicrotask(() => storedReads.delete(store))
    }
    const id = `${keyOf(who)}\u0000${destination}`
    let keys = reads.get(id)
    if (!keys) {
      keys = new Set(persisted(store, who)[destination])
      reads.set(id, keys)
    }
    return keys.has(key)
  }

  const persist = () => {
    if (!dirty || !sessionStore || identity === undefined) return
    dirty = false
    write(sessionStore, identity, delivered)
  }

  const schedulePersist = batchPerMicrotask(persist)

  const load = (destinations: readonly string[]) => {
    if (!sessionStore || identity === undefined) return
    try {
      const stored = persisted(sessionStore, identity)
      destinations.forEach((destination, index) => {
        const keys = stored[destination]
        if (!Array.isArray(keys)) return
        for (const key of keys.slice(-maxEntries)) {
          if (typeof key !== 'string') continue
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
    /**
     * Starts the ledger for an identity, restoring what this page took and this tab delivered for it;
     * `fresh` (anonymous after a sign-out: a visitor the tools have just started anew) forgets it.
     */
    setIdentity(next: string | null, destinations: readonly string[], fresh = false) {
      if (next === identity && !fresh) return
      // What the previous identity delivered in this tick is written under its own key first.
      persist()
      identity = next
      taken = (next !== null && !fresh && seen.get(next)) || new Map()
      delivered = new Map()
      if (next !== null) {
        seen.delete(next)
        seen.set(next, taken)
        for (const who of seen.keys()) if (seen.size > maxIdentities) seen.delete(who)
      }
      // A sign-in ends the anonymous visitor: the next one (after a sign-out, here or on the server,
      // both of which reset the tools) is a new visitor, who has been sent nothing yet.
      if (next !== null || fresh)
        try {
          if (sessionStore?.removeItem) sessionStore.removeItem(keyOf(null))
          else sessionStore?.setItem(keyOf(null), '')
          if (sessionStore) storedReads.delete(sessionStore)
        } catch {}
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
    /**
     * A call for `who` is handed to `destination` (session scope): `undefined` when another ledger of
     * this tab (another provider, the one remounted) handed it over or stored it, so not to be sent;
     * else what forgets it once it is stored, or failed.
     */
    handOver(key: string, destination: string, who: string | null): (() => void) | undefined {
      if (!handed) return () => {}
      const entry = `${keyOf(who)}\u0000${destination}\u0000${key}`
      // Or stored meanwhile (this ledger read the storage when its identity began).
      if (handed.has(entry) || stored(sessionStore!, who, destination, key)) return undefined
      if (handed.size >= maxEntries) handed.delete(handed.values().next().value as string)
      handed.add(entry)
      return () => handed.delete(entry)
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
      // A call that failed after a switch of users is released in its own user's ledger.
      const owner = [...seen.values()].find((keys) => keys.has(key)) ?? taken
      const mask = (owner.get(key) ?? 0) & ~(1 << destinationIndex)
      if (mask === 0) owner.delete(key)
      else owner.set(key, mask)
    },
    /** `who`: the identity it was sent for, when that is no longer the current one. */
    delivered(key: string, destination: string, who?: string | null) {
      // Delivered keys are kept only to be persisted.
      if (!sessionStore) return
      if (who !== undefined && who !== identity)
        return write(sessionStore, who, new Map([[destination, new Set([key])]]))
      deliveredSet(destination).add(key)
      dirty = true
      schedulePersist()
    },
    size: () => taken.size,
  }
}

export type ExposureLedger = ReturnType<typeof createExposureLedger>
