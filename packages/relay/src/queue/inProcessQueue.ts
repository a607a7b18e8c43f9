import { QueueFullError, RelayError, type RelayErrorCode } from '../errors'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'
import type { JobQueue } from './jobQueue'

/** Options of {@link createInProcessQueue}. */
export interface InProcessQueueOptions<Job> {
  /** Jobs waiting or being retried before `enqueue` refuses with `QueueFullError`. Default 1,000. */
  maxSize?: number
  /**
   * How much one job weighs (its memory, in the caller's unit: the Heap handler counts context
   * keys), for `maxWeight`. Default 1.
   */
  weigh?: (job: Job) => number
  /**
   * Total weight of the jobs held (waiting, running or being retried) before `enqueue` refuses
   * with `QueueFullError`; a job is always taken into an empty queue. Default: no limit.
   */
  maxWeight?: number
  /** Runs per job, including the first, for errors `retryable` accepts. Default 3. */
  maxAttempts?: number
  /** Which failures are worth another run. Default: unavailable / rate-limited / busy partners and stores. */
  retryable?: (error: unknown) => boolean
  /**
   * Longest wait before a job's next run. A failure that asks for a longer one (`retryAfterMs`, a
   * partner's `Retry-After`) is reported at once instead of asking the partner early. Default 60 s.
   */
  maxRetryDelayMs?: number
  /** Called with every job that failed for good (after its last attempt, or at once when not retryable). */
  onError?: (error: unknown, job: Job) => void
  sleep?: Sleep
}

/** A {@link JobQueue} that runs its jobs in this process, one after the other. */
export interface InProcessQueue<Job> extends JobQueue<Job> {
  /** Resolves when no job is waiting, running or scheduled for a retry: for tests and graceful shutdown. */
  idle(): Promise<void>
  /** Jobs waiting, running or scheduled for a retry. */
  readonly size: number
}

const RETRYABLE: ReadonlySet<RelayErrorCode> = new Set([
  'LAUNCHDARKLY_UNAVAILABLE',
  'LAUNCHDARKLY_RATE_LIMITED',
  'LAUNCHDARKLY_SEGMENT_BUSY',
  'STORE_UNAVAILABLE',
])

/**
 * Runs jobs in this process, one at a time in arrival order. A job that fails with a retryable
 * error goes to the back of the line after a backoff (at least the `retryAfterMs` the failure
 * carries), so newer jobs are not held up by it (their consumer decides whether the older job is
 * still worth applying).
 *
 * Jobs live in memory: a crash or a frozen serverless instance loses what is still queued. On
 * platforms with `waitUntil`, pass the request's context to `enqueue` so the invocation stays
 * alive until the queue is idle; for durability, use a real queue instead.
 *
 * @example
 * const queue = createInProcessQueue((job) => consumer(job), { onError: console.error })
 * await queue.enqueue(job)
 * await queue.idle()
 */
export function createInProcessQueue<Job>(
  consume: (job: Job) => Promise<unknown>,
  options: InProcessQueueOptions<Job> = {},
): InProcessQueue<Job> {
  const maxSize = options.maxSize ?? 1000
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const retryable =
    options.retryable ?? ((error: unknown) => error instanceof RelayError && RETRYABLE.has(error.code))
  const sleep = options.sleep ?? realSleep
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000
  const weigh = options.weigh ?? (() => 1)
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY
  const waiting: Array<{ job: Job; attempt: number; weight: number }> = []
  let held = 0
  let running: Promise<void> | undefined
  let scheduled = 0
  let idleWaiters: Array<() => void> = []

  const size = () => waiting.length + scheduled + (running ? 1 : 0)
  const settleIdle = () => {
    if (size() > 0) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  const run = async (): Promise<void> => {
    for (let item = waiting.shift(); item; item = waiting.shift()) {
      const { job, attempt, weight } = item
      try {
        await consume(job)
        held -= weight
      } catch (error) {
        // A partner that said how long to wait (429 Retry-After) is not asked again before then.
        const asked = retryAfterMs(error)
        if (attempt < maxAttempts && retryable(error) && asked <= maxRetryDelayMs) {
          scheduled++
          void sleep(Math.max(asked, backoffDelay(attempt))).then(() => {
            scheduled--
            waiting.push({ job, attempt: attempt + 1, weight })
            start()
          })
        } else {
          held -= weight
          options.onError?.(error, job)
        }
      }
    }
  }
  const start = () => {
    running ??= run().finally(() => {
      running = undefined
      // A retry scheduled while the last job ran may have arrived already.
      if (waiting.length > 0) start()
      else settleIdle()
    })
  }
  const idle = () =>
    size() === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))

  return {
    async enqueue(job, context) {
      if (size() >= maxSize) throw new QueueFullError(maxSize)
      const weight = weigh(job)
      if (size() > 0 && held + weight > maxWeight) throw new QueueFullError(maxWeight, 'weight (maxWeight)')
      held += weight
      waiting.push({ job, attempt: 1, weight })
      start()
      context?.waitUntil?.(idle())
    },
    idle,
    get size() {
      return size()
    },
  }
}

/** The wait a failure asks for (`retryAfterMs`, as `LaunchDarklyApiError` carries it), else 0. */
function retryAfterMs(error: unknown): number {
  const asked = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs
  return typeof asked === 'number' && Number.isFinite(asked) ? asked : 0
}
