import { WebhookPayloadError } from '../errors'

/** One user in a Heap segment page; `id` is Heap's user id, other fields pass through. */
export type HeapMember = { id: string | number } & Record<string, unknown>

/** A Heap segment webhook, normalized. */
export interface HeapSegmentWebhook {
  /** `sync`: apply `add`/`remove`. `drain`: the segment is gone, everyone leaves it. */
  action: 'sync' | 'drain'
  segment: { id: string; name: string | null }
  /** Paging of one sync task; `null` when Heap sent none. */
  syncInfo: { pageNumber: number; totalPages: number; syncTaskId: string } | null
  add: HeapMember[]
  remove: HeapMember[]
  customerConfig: unknown
}

const ACTIONS = { 'segment.users.sync': 'sync', 'segment.users.drain': 'drain' } as const

/**
 * Parses Heap's segment webhook (`segment.users.sync` / `segment.users.drain`).
 *
 * @throws {WebhookPayloadError} for anything else.
 * @example
 * const page = parseHeapWebhook(rawBody)
 * page.syncInfo?.pageNumber // 1
 */
export function parseHeapWebhook(body: string): HeapSegmentWebhook {
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch (error) {
    throw new WebhookPayloadError('The Heap webhook body is not JSON.', { cause: error })
  }
  if (!isRecord(raw)) throw new WebhookPayloadError('The Heap webhook body is not a JSON object.')
  const action = ACTIONS[raw.action_type as keyof typeof ACTIONS]
  if (!action) {
    throw new WebhookPayloadError(
      `Unsupported Heap action_type ${JSON.stringify(raw.action_type)}; expected segment.users.sync or segment.users.drain.`,
    )
  }
  const data = isRecord(raw.data) ? raw.data : undefined
  const segment = data && isRecord(data.segment) ? data.segment : undefined
  if (!segment || (typeof segment.id !== 'string' && typeof segment.id !== 'number') || segment.id === '') {
    throw new WebhookPayloadError('The Heap webhook has no data.segment.id.')
  }
  return {
    action,
    segment: { id: String(segment.id), name: typeof segment.name === 'string' ? segment.name : null },
    syncInfo: readSyncInfo(data?.sync_info),
    add: readMembers(data?.add, 'add'),
    remove: readMembers(data?.remove, 'remove'),
    customerConfig: raw.customer_config,
  }
}

function readSyncInfo(value: unknown): HeapSegmentWebhook['syncInfo'] {
  if (value === undefined || value === null) return null
  if (!isRecord(value)) throw new WebhookPayloadError('data.sync_info must be an object.')
  const { page_number: pageNumber, total_pages: totalPages, sync_task_id: syncTaskId } = value
  if (
    !Number.isInteger(pageNumber) ||
    !Number.isInteger(totalPages) ||
    syncTaskId === undefined ||
    syncTaskId === null
  ) {
    throw new WebhookPayloadError(
      'data.sync_info needs integer page_number and total_pages, and a sync_task_id.',
    )
  }
  return {
    pageNumber: pageNumber as number,
    totalPages: totalPages as number,
    syncTaskId: String(syncTaskId),
  }
}

function readMembers(value: unknown, field: string): HeapMember[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new WebhookPayloadError(`data.${field} must be an array of { id }.`)
  return value.map((member, index) => {
    if (!isRecord(member) || (typeof member.id !== 'string' && typeof member.id !== 'number')) {
      throw new WebhookPayloadError(`data.${field}[${index}] has no id.`)
    }
    return member as HeapMember
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
