/**
 * Remembers which webhook deliveries were already applied, so a redelivery is
 * acknowledged without being applied twice. Implement it over Redis or a database
 * when several relay instances share the work; the default lives in memory.
 */
export interface DeliveryLog {
  has(key: string): boolean | Promise<boolean>
  add(key: string): void | Promise<void>
}

/**
 * An in-memory {@link DeliveryLog} that forgets the oldest keys past `limit`.
 *
 * @example
 * createHeapWebhookHandler({ ..., deliveryLog: createMemoryDeliveryLog(50_000) })
 */
export function createMemoryDeliveryLog(limit = 10_000): DeliveryLog {
  const keys = new Set<string>()
  return {
    has: (key) => keys.has(key),
    add: (key) => {
      keys.delete(key)
      keys.add(key)
      // Sets iterate in insertion order, so the first key is the oldest.
      while (keys.size > limit) {
        const oldest = keys.values().next().value
        if (oldest === undefined) break
        keys.delete(oldest)
      }
    },
  }
}
