import { positiveNumber } from '../config/requireOption'
import { LaunchDarklyApiError, OutOfOrderSyncError, RelayStoreError } from '../errors'
import { createRetryBudget, type RetryBudget } from '../http/retryBudget'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'
import { type AppliedSegmentDelta, applySegmentDelta } from '../launchdarkly/applySegmentDelta'
import type { LaunchDarklySegments } from '../launchdarkly/launchDarklySegments'
import type { RelayStore } from '../store/relayStore'
import { drainPagesKey, MARK_TTL_MS, markKey, TASK_TTL_MS } from './heapStoreKeys'
import type { HeapSyncJob } from './heapSyncJob'

/**
 * What a `segment.users.drain` does:
 * - `'remove-listed'` (default): removes the users the drain lists, like a sync's `remove`.
 *   LaunchDarkly cannot list a big segment's members, so unlisted users stay.
 * - `'delete-segment'`: also deletes the LaunchDarkly segment once every page of the drain was
 *   applied (in whatever order they arrived), which removes everyone; flags that target it then
 *   match nobody through it. A drain never creates the segment.
 */
export type HeapDrainBehavior = 'remove-listed' | 'delete-segment'

/** Options of {@link createHeapSyncConsumer}. */
export interface HeapSyncConsumerOptions {
  /** The segment API, e.g. `createLaunchDarklySegments({ accessToken, projectKey, environmentKey })`. */
  launchDarkly: LaunchDarklySegments
  /** The store the webhook handler uses. */
  store: RelayStore
  /** Keys per LaunchDarkly request. Default 1000. */
  chunkSize?: number
  drain?: HeapDrainBehavior
  /**
   * Time one page may take, LaunchDarkly retries included. Default 25 s: under Cloudflare's 30 s
   * `waitUntil` limit and API Gateway's 29 s, for consumers that run inside a request.
   */
  jobDeadlineMs?: number
  /** Receives the `OutOfOrderSyncError` of a skipped page. */
  onError?: (error: unknown) => void
  /** Wait between tries while the store is unavailable; injectable for tests. */
  sleep?: Sleep
}

/** What one page did to LaunchDarkly. */
export interface HeapSyncResult extends AppliedSegmentDelta {
  segmentKey: string
  taskId: string
  page: number
  /** The segment was deleted (drain with `'delete-segment'`, after its last page). */
  deleted: boolean
  /** Set when the page was not applied because a newer sync task already was. */
  skipped?: 'out-of-order'
}

/** Applies one {@link HeapSyncJob} to LaunchDarkly. */
export type HeapSyncConsumer = (job: HeapSyncJob) => Promise<HeapSyncResult>

const OWNER = 'createHeapSyncConsumer'

/**
 * The "apply to LaunchDarkly" half of the Heap relay, for the in-process queue or a queue worker.
 *
 * Order first: the page's sync task must not be older than the last task applied to the segment
 * (a mark in the shared store, moved forward atomically); an older page is skipped, so a late
 * retry or a replay never undoes a newer sync. Then a sync creates the segment if missing and
 * applies `add`/`remove` in chunks; a drain only removes, and with `'delete-segment'` deletes the
 * segment once all its pages are in.
 *
 * A store that is away for a moment (a Redis restart or failover) is waited for within the page's
 * deadline, as LaunchDarkly is: the page was already acknowledged to Heap, which will not send it
 * again.
 *
 * Which segments exist is cached per instance (`knownSegments`): safe to lose or to be stale,
 * since a 404 on update recreates the segment, and ordering, not the cache, keeps a deleted
 * segment from coming back.
 *
 * @throws {LaunchDarklyApiError} when LaunchDarkly refuses or stays unavailable within the deadline.
 * @example
 * const consume = createHeapSyncConsumer({ launchDarkly: createLaunchDarklySegments(ld), store: redisStore })
 * worker.on('message', (body) => consume(JSON.parse(body)))
 */
export function createHeapSyncConsumer(options: HeapSyncConsumerOptions): HeapSyncConsumer {
  const { store, launchDarkly: segments } = options
  const jobDeadlineMs = positiveNumber(options.jobDeadlineMs, OWNER, 'jobDeadlineMs', 25_000)
  const chunkSize = positiveNumber(options.chunkSize, OWNER, 'chunkSize', 1000)
  const knownSegments = new Set<string>()
  const sleep = options.sleep ?? realSleep

  const withStore = async <T>(budget: RetryBudget, operation: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation()
      } catch (error) {
        const delay = backoffDelay(attempt, 100, 2000)
        if (!(error instanceof RelayStoreError) || !budget.reserve(delay)) throw error
        await sleep(delay)
      }
    }
  }

  const ensure = async (job: HeapSyncJob, budget: RetryBudget) => {
    if (knownSegments.has(job.segmentKey)) return
    await segments.ensureSegment({ key: job.segmentKey, name: job.segmentName }, budget)
    knownSegments.add(job.segmentKey)
  }

  const sync = async (job: HeapSyncJob, budget: RetryBudget): Promise<AppliedSegmentDelta> => {
    await ensure(job, budget)
    const apply = () => applySegmentDelta(segments, job.segmentKey, job, { chunkSize, budget })
    return apply().catch(async (error: unknown) => {
      // The segment was deleted behind our back: create it again, then retry once.
      if (!isNotFound(error)) throw error
      knownSegments.delete(job.segmentKey)
      await ensure(job, budget)
      return apply()
    })
  }

  const drain = async (job: HeapSyncJob, budget: RetryBudget) => {
    const applied = await applySegmentDelta(segments, job.segmentKey, job, { chunkSize, budget }).catch(
      (error: unknown) => {
        // Already gone: nobody is left to remove, and a drain must not create it again.
        if (!isNotFound(error)) throw error
        knownSegments.delete(job.segmentKey)
        return { requests: 0, added: 0, removed: 0 }
      },
    )
    let deleted = false
    if (options.drain === 'delete-segment') {
      const pagesIn = await withStore(budget, () =>
        store.addToSet(drainPagesKey(job.segmentKey, job.task.id), String(job.task.page), TASK_TTL_MS),
      )
      if (pagesIn >= job.task.totalPages) {
        await segments.deleteSegment(job.segmentKey, budget)
        knownSegments.delete(job.segmentKey)
        deleted = true
      }
    }
    return { ...applied, deleted }
  }

  return async (job) => {
    const base = { segmentKey: job.segmentKey, taskId: job.task.id, page: job.task.page }
    const budget = createRetryBudget(jobDeadlineMs)
    const mark = await withStore(budget, () =>
      store.advance(markKey(job.segmentKey), { order: job.task.order, id: job.task.id }, MARK_TTL_MS),
    )
    if (mark.id !== job.task.id) {
      options.onError?.(new OutOfOrderSyncError(job.segmentKey, job.task.id, mark.id))
      return { ...base, requests: 0, added: 0, removed: 0, deleted: false, skipped: 'out-of-order' }
    }
    if (job.action === 'drain') return { ...base, ...(await drain(job, budget)) }
    return { ...base, ...(await sync(job, budget)), deleted: false }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof LaunchDarklyApiError && error.code === 'LAUNCHDARKLY_NOT_FOUND'
}
