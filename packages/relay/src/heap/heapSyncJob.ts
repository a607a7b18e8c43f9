import type { HeapMember, HeapSegmentWebhook } from './parseHeapWebhook'

/**
 * One Heap page, verified and acknowledged, waiting to be applied to LaunchDarkly. Plain JSON,
 * so it can travel through any queue.
 */
export interface HeapSyncJob {
  action: 'sync' | 'drain'
  segmentKey: string
  /** Name for the LaunchDarkly segment if it has to be created. */
  segmentName: string
  task: {
    /** `sync_task_id`, or `body-<sha256>` when Heap sent no `sync_info`. */
    id: string
    /** When the relay first saw this task (Heap-Hash time, ms): orders tasks per segment. */
    order: number
    page: number
    totalPages: number
  }
  /** LaunchDarkly context keys to add (always empty for a drain) and remove. */
  add: string[]
  remove: string[]
}

/** How the Heap page maps onto a job. */
export interface HeapSyncJobInput {
  webhook: HeapSegmentWebhook
  segmentKey: string
  segmentName: string
  task: HeapSyncJob['task']
  contextKey: (member: HeapMember) => string | undefined
}

/**
 * Builds the {@link HeapSyncJob} for a verified page: context keys deduplicated, members the
 * `contextKey` mapping skips left out, and a drain's `add` ignored (a drain only empties).
 */
export function createHeapSyncJob(input: HeapSyncJobInput): HeapSyncJob {
  const { webhook } = input
  return {
    action: webhook.action,
    segmentKey: input.segmentKey,
    segmentName: input.segmentName,
    task: input.task,
    add: webhook.action === 'drain' ? [] : keysOf(webhook.add, input.contextKey),
    remove: keysOf(webhook.remove, input.contextKey),
  }
}

function keysOf(members: HeapMember[], toContextKey: (member: HeapMember) => string | undefined): string[] {
  const keys = new Set<string>()
  for (const member of members) {
    const key = toContextKey(member)
    if (key) keys.add(key)
  }
  return [...keys]
}
