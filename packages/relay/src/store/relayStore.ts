/**
 * Which sync task a LaunchDarkly segment last took: `order` is when the relay first saw the task
 * (the signed Heap-Hash time, ms), `id` the task id. A later `order` is a newer sync.
 */
export interface SyncMark {
  order: number
  id: string
}

/**
 * The state several relay instances must share so that a webhook is applied once and an old
 * sync never undoes a newer one. Every operation is atomic on its own, and every key expires.
 * {@link createMemoryRelayStore} is the single-process default; `createRedisRelayStore`
 * (`@flagbridge/relay/redis`) shares it between instances. Implement it over another store
 * (DynamoDB, Postgres, Durable Objects) with the same semantics.
 *
 * An operation that cannot reach the store rejects with a `RelayStoreError`; handlers then
 * answer 503 so the sender retries, and apply nothing.
 */
export interface RelayStore {
  /** Takes `key` for `ttlMs` if nobody holds it (`SET key value NX PX ttl`): `true` when this caller got it. */
  claim(key: string, ttlMs: number, value?: string): Promise<boolean>
  /** The value under `key`, `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>
  /** Sets `key` for `ttlMs`, whoever held it. */
  set(key: string, value: string, ttlMs: number): Promise<void>
  /** Removes `key` (gives a claim up early). */
  delete(key: string): Promise<void>
  /**
   * Moves the mark under `key` to `mark` unless the stored mark is newer (see {@link isNewerMark}),
   * and resolves with the mark in force afterwards: `mark` itself when it was taken.
   */
  advance(key: string, mark: SyncMark, ttlMs: number): Promise<SyncMark>
  /** Adds `member` to the set under `key` (expiring after `ttlMs`) and resolves with the set's size. */
  addToSet(key: string, member: string, ttlMs: number): Promise<number>
}

/**
 * The ordering rule of {@link RelayStore.advance}: `stored` stays when it is another task with a
 * strictly later `order`. Tasks first seen in the same millisecond cannot be told apart, so
 * neither refuses the other.
 */
export function isNewerMark(stored: SyncMark, candidate: SyncMark): boolean {
  return stored.id !== candidate.id && stored.order > candidate.order
}

/** `order:id`, the stored form of a {@link SyncMark}. */
export function encodeMark(mark: SyncMark): string {
  return `${mark.order}:${mark.id}`
}

/** Reads {@link encodeMark}'s form. */
export function decodeMark(text: string): SyncMark {
  const separator = text.indexOf(':')
  return { order: Number(text.slice(0, separator)), id: text.slice(separator + 1) }
}
