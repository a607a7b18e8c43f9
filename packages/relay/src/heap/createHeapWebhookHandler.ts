import { positiveNumber, requireObject, requireSecrets, requireText } from '../config/requireOption'
import { DeliveryInProgressError, OutOfOrderSyncError, QueueUnavailableError, RelayError } from '../errors'
import { createBodyBytesInFlight } from '../http/bodyBytesInFlight'
import { errorResponse } from '../http/errorResponse'
import { jsonResponse } from '../http/jsonResponse'
import { readBodyBytes } from '../http/readBody'
import type { Sleep } from '../http/sleep'
import type { RelayFetchHandler } from '../http/webhookHandler'
import {
  createLaunchDarklySegments,
  type LaunchDarklySegments,
  type LaunchDarklySegmentsOptions,
} from '../launchdarkly/launchDarklySegments'
import { createInProcessQueue } from '../queue/inProcessQueue'
import type { JobQueue } from '../queue/jobQueue'
import { sha256Hex } from '../signature/sha256Hex'
import { createMemoryRelayStore } from '../store/memoryRelayStore'
import { decodeMark, isNewerMark, type RelayStore } from '../store/relayStore'
import { decodeUtf8Body } from '../text/utf8'
import {
  createHeapSyncConsumer,
  type HeapDrainBehavior,
  type HeapSyncConsumer,
  type HeapSyncResult,
} from './createHeapSyncConsumer'
import { markKey, PAGE_DONE_TTL_MS, pageKey, taskOrder } from './heapStoreKeys'
import { createHeapSyncJob, type HeapSyncJob } from './heapSyncJob'
import type { HeapMember, HeapSegmentWebhook } from './parseHeapWebhook'
import { parseHeapWebhook } from './parseHeapWebhook'
import { verifyHeapSignature } from './verifyHeapSignature'

/** Options of {@link createHeapWebhookHandler}. */
export interface HeapWebhookHandlerOptions {
  /** The secret shared with Heap; several while rotating. */
  secret: string | readonly (string | undefined)[] | undefined
  /** A ready {@link LaunchDarklySegments}, or the options to create one. */
  launchDarkly: LaunchDarklySegments | LaunchDarklySegmentsOptions
  /** LaunchDarkly segment key for a Heap segment. Default `heap-<id>`. */
  segmentKey?: (segment: HeapSegmentWebhook['segment']) => string
  /** LaunchDarkly segment name on creation. Default `Heap: <name>`. */
  segmentName?: (segment: HeapSegmentWebhook['segment']) => string
  /** LaunchDarkly context key of a Heap user. Default `String(member.id)`; return undefined to skip. */
  contextKey?: (member: HeapMember) => string | undefined
  /** Keys per LaunchDarkly request. Default 1000. */
  chunkSize?: number
  drain?: HeapDrainBehavior
  /** Claims, task order and segment marks; share one between instances (Redis). Default in memory. */
  store?: RelayStore
  /**
   * Where acknowledged pages wait to be applied. Default: an in-process queue running
   * {@link createHeapSyncConsumer}; give a durable queue and run the consumer in its worker instead.
   */
  queue?: JobQueue<HeapSyncJob>
  /** Runs per page in the in-process queue for retryable failures. Default 3. */
  maxJobAttempts?: number
  /**
   * Context keys the in-process queue holds (about 40 bytes each once queued) before a page is
   * answered 503 (`QUEUE_FULL`, Heap retries). Default 1,000,000; a page into an empty queue is
   * always taken.
   */
  maxQueuedKeys?: number
  /** Time one page may take in the consumer. Default 25 s. */
  jobDeadlineMs?: number
  /**
   * How long an acknowledgement in progress holds its page (claim → enqueue → recorded). If the
   * instance dies in between, Heap's retry is answered 503 until the claim expires. Default 10 s.
   */
  claimTtlMs?: number
  /** Largest body accepted; larger ones get 413. Default 5 MB (a page of 10,000 ids is ~300 KB). */
  maxBodyBytes?: number
  /**
   * Bytes of bodies being read at once, over all requests: a body is read whole before its
   * signature can be checked, so past this a request gets 503 (`RELAY_BUSY`, Heap retries).
   * Default 64 MB.
   */
  maxBodyBytesInFlight?: number
  /** Accepted clock skew for the `Heap-Hash` timestamp. Default 300 s. */
  toleranceSeconds?: number
  /** Every error: refused webhooks, pages that failed for good, skipped out-of-order pages. Default `console.error`. */
  onError?: (error: unknown) => void
  /** Every page the in-process queue applied (or skipped). */
  onApplied?: (result: HeapSyncResult) => void
  now?: () => number
  /** Backoff sleep of the in-process queue; injectable for tests. */
  sleep?: Sleep
}

/** The Heap webhook handler, plus what the default in-process queue needs. */
export type HeapWebhookHandler = RelayFetchHandler & {
  /**
   * Resolves once the in-process queue has applied everything acknowledged so far (graceful
   * shutdown, tests). Not for Cloudflare Workers requests: workerd cancels a request that waits
   * on work another request carries; there, pass `ctx` to the handler and let `waitUntil` wait.
   */
  idle(): Promise<void>
  /** The consumer the in-process queue runs. */
  consume: HeapSyncConsumer
}

const OWNER = 'createHeapWebhookHandler'

/**
 * Derives a valid LaunchDarkly segment key from a Heap segment id.
 *
 * @example
 * heapSegmentKey({ id: '12345', name: 'Power users' }) // 'heap-12345'
 */
export function heapSegmentKey(segment: { id: string }): string {
  return `heap-${segment.id.replace(/[^A-Za-z0-9._-]/g, '-')}`
}

/**
 * Handles Heap's segment webhook in the web-standard form: reads at most `maxBodyBytes`,
 * verifies `Heap-Hash` over the raw bytes, claims the page in the store, enqueues it and answers
 * 200. The LaunchDarkly work happens after the answer, in the consumer, so a slow LaunchDarkly
 * never makes Heap retry a page that is still being applied.
 *
 * Answers: 200 queued (or duplicate, or skipped as older than the segment's last sync), 400
 * malformed, 401 bad signature or stale timestamp, 413 too large, 503 store down, queue full, or
 * the same page being acknowledged by another attempt (Heap retries).
 *
 * @throws {RelayConfigurationError} at construction, naming a missing option.
 * @example
 * const heap = createHeapWebhookHandler({
 *   secret: process.env.HEAP_WEBHOOK_SECRET,
 *   launchDarkly: { accessToken: process.env.LD_ACCESS_TOKEN!, projectKey: 'default', environmentKey: 'production' },
 * })
 * export default { fetch: (request, env, ctx) => heap(request, ctx) } // Cloudflare Workers
 */
export function createHeapWebhookHandler(options: HeapWebhookHandlerOptions): HeapWebhookHandler {
  const secrets = requireSecrets(options.secret, OWNER, 'secret', 'HEAP_WEBHOOK_SECRET')
  const maxBodyBytes = positiveNumber(options.maxBodyBytes, OWNER, 'maxBodyBytes', 5 * 1024 * 1024)
  const claimTtlMs = positiveNumber(options.claimTtlMs, OWNER, 'claimTtlMs', 10_000)
  const toleranceSeconds = positiveNumber(options.toleranceSeconds, OWNER, 'toleranceSeconds', 300)
  const bodies = createBodyBytesInFlight(
    positiveNumber(options.maxBodyBytesInFlight, OWNER, 'maxBodyBytesInFlight', 64 * 1024 * 1024),
  )
  const store = options.store ?? createMemoryRelayStore()
  const onError = options.onError ?? ((error: unknown) => console.error(error))
  const toKey = options.segmentKey ?? heapSegmentKey
  const toName = options.segmentName ?? ((segment) => `Heap: ${segment.name ?? segment.id}`)
  const toContextKey = options.contextKey ?? ((member) => String(member.id))
  const consume = createHeapSyncConsumer({
    launchDarkly: launchDarklySegments(options.launchDarkly),
    store,
    onError,
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    ...(options.drain ? { drain: options.drain } : {}),
    ...(options.jobDeadlineMs !== undefined ? { jobDeadlineMs: options.jobDeadlineMs } : {}),
  })
  const inProcess = options.queue
    ? undefined
    : createInProcessQueue<HeapSyncJob>(
        async (job) => {
          // Not `onApplied?.(await consume(job))`: without onApplied that would skip the consume.
          const result = await consume(job)
          options.onApplied?.(result)
        },
        {
          onError,
          weigh: (job) => job.add.length + job.remove.length,
          maxWeight: positiveNumber(options.maxQueuedKeys, OWNER, 'maxQueuedKeys', 1_000_000),
          ...(options.maxJobAttempts !== undefined ? { maxAttempts: options.maxJobAttempts } : {}),
          ...(options.sleep ? { sleep: options.sleep } : {}),
        },
      )
  const queue = options.queue ?? (inProcess as JobQueue<HeapSyncJob>)

  const handler: RelayFetchHandler = async (request, context) => {
    try {
      const bytes = await readBodyBytes(request, maxBodyBytes, bodies)
      const { timestampMs } = await verifyHeapSignature({
        headers: request.headers,
        body: bytes,
        secret: secrets,
        toleranceSeconds,
        ...(options.now ? { now: options.now } : {}),
      })
      const webhook = parseHeapWebhook(decodeUtf8Body(bytes))
      const segmentKey = toKey(webhook.segment)
      const taskId = webhook.syncInfo?.syncTaskId ?? `body-${await sha256Hex(bytes)}`
      const order = await taskOrder(store, segmentKey, taskId, timestampMs)

      // Cheap early refusal; the consumer checks again, atomically, before applying.
      const stored = await store.get(markKey(segmentKey))
      const newer = stored === undefined ? undefined : decodeMark(stored)
      if (newer && isNewerMark(newer, { order, id: taskId })) {
        onError(new OutOfOrderSyncError(segmentKey, taskId, newer.id))
        return jsonResponse(200, { ok: true, segmentKey, skipped: 'out-of-order' })
      }

      const page = webhook.syncInfo?.pageNumber ?? 1
      const claimKey = pageKey(segmentKey, webhook.action, taskId, page)
      if (!(await store.claim(claimKey, claimTtlMs, 'pending'))) {
        if ((await store.get(claimKey)) !== 'queued') throw new DeliveryInProgressError('This Heap page')
        return jsonResponse(200, { ok: true, segmentKey, duplicate: true })
      }
      const job = createHeapSyncJob({
        webhook,
        segmentKey,
        segmentName: toName(webhook.segment),
        task: { id: taskId, order, page, totalPages: webhook.syncInfo?.totalPages ?? 1 },
        contextKey: toContextKey,
      })
      try {
        await queue.enqueue(job, context)
      } catch (error) {
        await store.delete(claimKey).catch(onError)
        throw error instanceof RelayError ? error : new QueueUnavailableError(error)
      }
      // Queued: answer 200 even if recording that fails; the pending claim then just expires.
      await store.set(claimKey, 'queued', PAGE_DONE_TTL_MS).catch(onError)
      return jsonResponse(200, { ok: true, segmentKey, queued: true })
    } catch (error) {
      onError(error)
      return errorResponse(error)
    }
  }
  return Object.assign(handler, { idle: () => inProcess?.idle() ?? Promise.resolve(), consume })
}

function launchDarklySegments(
  option: LaunchDarklySegments | LaunchDarklySegmentsOptions | undefined,
): LaunchDarklySegments {
  const options = requireObject(option, OWNER, 'launchDarkly')
  if ('updateContexts' in options) return options
  requireText(options.accessToken, OWNER, 'launchDarkly.accessToken', 'LD_ACCESS_TOKEN')
  requireText(options.projectKey, OWNER, 'launchDarkly.projectKey')
  requireText(options.environmentKey, OWNER, 'launchDarkly.environmentKey')
  return createLaunchDarklySegments(options)
}
