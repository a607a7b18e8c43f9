/**
 * The time one webhook (or one queued job) may spend on outbound calls and the waits between
 * their retries. Every attempt gets a timeout no longer than what is left, and a retry whose
 * wait would not fit is not started: the caller fails at once and the sender retries later.
 */
export interface RetryBudget {
  /** Milliseconds left. */
  remainingMs(): number
  /**
   * Books a wait of `ms` before the next attempt: `true` when it fits (the caller then sleeps),
   * `false` when it would not leave time for that attempt.
   */
  reserve(ms: number): boolean
  /** `perAttemptMs`, shortened to what is left (at least 1 ms). */
  attemptTimeout(perAttemptMs: number): number
}

/**
 * Starts a {@link RetryBudget} of `totalMs`. Time spent is the larger of the clock's elapsed time
 * and the waits booked, so an injected `sleep` that returns at once still uses the budget up.
 *
 * @example
 * const budget = createRetryBudget(20_000)
 * if (!budget.reserve(retryAfterMs)) throw new Error('no time left for another attempt')
 * await sleep(retryAfterMs)
 */
export function createRetryBudget(totalMs: number, now: () => number = Date.now): RetryBudget {
  const start = now()
  let booked = 0
  const remainingMs = () => totalMs - Math.max(now() - start, booked)
  return {
    remainingMs,
    reserve(ms) {
      if (ms >= remainingMs()) return false
      booked += ms
      return true
    },
    attemptTimeout: (perAttemptMs) => Math.max(1, Math.min(perAttemptMs, remainingMs())),
  }
}

/** A budget that never runs out, for long-running callers such as the CLI. */
export const UNLIMITED_BUDGET: RetryBudget = {
  remainingMs: () => Number.POSITIVE_INFINITY,
  reserve: () => true,
  attemptTimeout: (perAttemptMs) => perAttemptMs,
}
