import { decodeMark, encodeMark, isNewerMark, type RelayStore } from './relayStore'

/** Options of {@link createMemoryRelayStore}. */
export interface MemoryRelayStoreOptions {
  /** Entries kept before the oldest are dropped. Default 100,000. */
  maxEntries?: number
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
}

interface Entry {
  value: string | Set<string>
  expiresAt: number
}

/**
 * A {@link RelayStore} in this process's memory: right for one instance, and what the handlers
 * use when given no store. Behind a load balancer, give every instance the same
 * `createRedisRelayStore` instead, or a redelivery to another instance is applied again.
 *
 * @example
 * const store = createMemoryRelayStore()
 * const heap = createHeapWebhookHandler({ ..., store })
 */
export function createMemoryRelayStore(options: MemoryRelayStoreOptions = {}): RelayStore {
  const maxEntries = options.maxEntries ?? 100_000
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()

  const read = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const write = (key: string, value: string | Set<string>, ttlMs: number) => {
    entries.delete(key)
    entries.set(key, { value, expiresAt: now() + ttlMs })
    // Maps iterate in insertion order, so the first entries are the least recently written.
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break
      entries.delete(oldest)
    }
  }

  return {
    async claim(key, ttlMs, value = '1') {
      if (read(key)) return false
      write(key, value, ttlMs)
      return true
    },
    async get(key) {
      const value = read(key)?.value
      return typeof value === 'string' ? value : undefined
    },
    async set(key, value, ttlMs) {
      write(key, value, ttlMs)
    },
    async delete(key) {
      entries.delete(key)
    },
    async advance(key, mark, ttlMs) {
      const stored = read(key)?.value
      const current = typeof stored === 'string' ? decodeMark(stored) : undefined
      if (current && isNewerMark(current, mark)) return current
      write(key, encodeMark(mark), ttlMs)
      return mark
    },
    async addToSet(key, member, ttlMs) {
      const stored = read(key)?.value
      const members = stored instanceof Set ? stored : new Set<string>()
      members.add(member)
      write(key, members, ttlMs)
      return members.size
    },
  }
}
