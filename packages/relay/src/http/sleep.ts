/** Waits `ms` milliseconds. Everything that retries takes a `sleep` option so tests can skip the wait. */
export type Sleep = (ms: number) => Promise<void>

/** The real {@link Sleep}. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Exponential backoff with full jitter: 0..min(cap, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseMs = 500, capMs = 30_000, random = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1)))
}
