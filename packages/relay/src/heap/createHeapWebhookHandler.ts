import { createHash } from 'node:crypto'
import { LaunchDarklyApiError } from '../errors'
import { createMemoryDeliveryLog, type DeliveryLog } from '../http/deliveryLog'
import { errorResponse } from '../http/errorResponse'
import { jsonResponse, type RelayHandler } from '../http/relayRequest'
import { applySegmentDelta } from '../launchdarkly/applySegmentDelta'
import {
  createLaunchDarklySegments,
  type LaunchDarklySegments,
  type LaunchDarklySegmentsOptions,
} from '../launchdarkly/launchDarklySegments'
import { type HeapMember, type HeapSegmentWebhook, parseHeapWebhook } from './parseHeapWebhook'
import { verifyHeapSignature } from './verifyHeapSignature'

/**
 * What a `segment.users.drain` does:
 * - `'remove-listed'` (default): removes the users the drain lists, like a sync's `remove`.
 *   LaunchDarkly cannot list a big segment's members, so unlisted users stay.
 * - `'delete-segment'`: also deletes the LaunchDarkly segment after the drain's last page,
 *   which removes everyone; flags that target it then match nobody through it.
 */
export type HeapDrainBehavior = 'remove-listed' | 'delete-segment'

/** Options of {@link createHeapWebhookHandler}. */
export interface HeapWebhookHandlerOptions {
  /** The secret shared with Heap; several while rotating. */
  secret: string | readonly string[]
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
  /** Remembers applied `(sync_task_id, page_number)` pairs; default in memory. */
  deliveryLog?: DeliveryLog
  /** Accepted clock skew for the `Heap-Hash` timestamp. Default 300 s. */
  toleranceSeconds?: number
  onError?: (error: unknown) => void
  now?: () => number
}

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
 * Handles Heap's segment webhook: verifies `Heap-Hash`, creates the LaunchDarkly segment
 * if missing, and applies the page's `add`/`remove` in chunks. A page already applied
 * (same sync task and page number) is acknowledged without calls.
 *
 * Answers: 200 applied (or duplicate), 400 malformed, 401 bad signature or stale
 * timestamp, 502 LaunchDarkly refused, 503 LaunchDarkly unavailable (Heap retries).
 *
 * @example
 * const heap = createHeapWebhookHandler({
 *   secret: process.env.HEAP_WEBHOOK_SECRET!,
 *   launchDarkly: { accessToken: process.env.LD_ACCESS_TOKEN!, projectKey: 'default', environmentKey: 'production' },
 * })
 */
export function createHeapWebhookHandler(options: HeapWebhookHandlerOptions): RelayHandler {
  const segments =
    'updateContexts' in options.launchDarkly
      ? options.launchDarkly
      : createLaunchDarklySegments(options.launchDarkly)
  const deliveryLog = options.deliveryLog ?? createMemoryDeliveryLog()
  const toKey = options.segmentKey ?? heapSegmentKey
  const toName = options.segmentName ?? ((segment) => `Heap: ${segment.name ?? segment.id}`)
  const toContextKey = options.contextKey ?? ((member) => String(member.id))
  const knownSegments = new Set<string>()

  const ensure = async (webhook: HeapSegmentWebhook, key: string) => {
    if (knownSegments.has(key)) return
    await segments.ensureSegment({ key, name: toName(webhook.segment) })
    knownSegments.add(key)
  }

  return async (request) => {
    try {
      verifyHeapSignature({
        headers: request.headers,
        body: request.body,
        secret: options.secret,
        ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
        ...(options.now ? { now: options.now } : {}),
      })
      const webhook = parseHeapWebhook(request.body)
      const key = toKey(webhook.segment)
      const pageKey = deliveryKey(webhook, key, request.body)
      if (await deliveryLog.has(pageKey)) {
        return jsonResponse(200, { ok: true, segmentKey: key, duplicate: true })
      }

      const delta = {
        add: webhook.action === 'drain' ? [] : keysOf(webhook.add, toContextKey),
        remove: keysOf(webhook.remove, toContextKey),
      }
      await ensure(webhook, key)
      const apply = () => applySegmentDelta(segments, key, delta, chunkOptions(options.chunkSize))
      const applied = await apply().catch(async (error: unknown) => {
        // The segment was deleted behind our back: create it again, then retry once.
        if (!(error instanceof LaunchDarklyApiError) || error.code !== 'LAUNCHDARKLY_NOT_FOUND') throw error
        knownSegments.delete(key)
        await ensure(webhook, key)
        return apply()
      })

      let deleted = false
      const lastPage = !webhook.syncInfo || webhook.syncInfo.pageNumber >= webhook.syncInfo.totalPages
      if (webhook.action === 'drain' && options.drain === 'delete-segment' && lastPage) {
        await segments.deleteSegment(key)
        knownSegments.delete(key)
        deleted = true
      }
      await deliveryLog.add(pageKey)
      return jsonResponse(200, { ok: true, segmentKey: key, ...applied, deleted })
    } catch (error) {
      options.onError?.(error)
      return errorResponse(error)
    }
  }
}

function deliveryKey(webhook: HeapSegmentWebhook, segmentKey: string, body: string): string {
  if (webhook.syncInfo) {
    return `heap:${webhook.action}:${segmentKey}:${webhook.syncInfo.syncTaskId}:${webhook.syncInfo.pageNumber}`
  }
  return `heap:body:${createHash('sha256').update(body).digest('hex')}`
}

function keysOf(members: HeapMember[], toContextKey: (member: HeapMember) => string | undefined): string[] {
  const keys = new Set<string>()
  for (const member of members) {
    const key = toContextKey(member)
    if (key) keys.add(key)
  }
  return [...keys]
}

function chunkOptions(chunkSize: number | undefined) {
  return chunkSize === undefined ? {} : { chunkSize }
}
