import type { RelayStore } from '../store/relayStore'

// What the Heap relay keeps in the shared store, per LaunchDarkly segment key.
const HOUR = 3_600_000

/** A page was queued: redeliveries and replays within this time are acknowledged without work. */
export const PAGE_DONE_TTL_MS = 24 * HOUR
/** First sighting of a sync task, and the pages of a drain applied so far. */
export const TASK_TTL_MS = 7 * 24 * HOUR
/** The last sync task applied to a segment. */
export const MARK_TTL_MS = 30 * 24 * HOUR

export const pageKey = (segmentKey: string, action: string, taskId: string, page: number) =>
  `heap:page:${segmentKey}:${action}:${taskId}:${page}`
export const markKey = (segmentKey: string) => `heap:mark:${segmentKey}`
export const drainPagesKey = (segmentKey: string, taskId: string) => `heap:drain:${segmentKey}:${taskId}`

/**
 * The order of a sync task: the Heap-Hash time (ms) of the first of its pages any instance saw,
 * recorded once and shared. Heap sends no sequence number, and its retries are signed anew, so
 * "first seen" is what tells an old task retried late from a newer one.
 */
export async function taskOrder(
  store: RelayStore,
  segmentKey: string,
  taskId: string,
  timestampMs: number,
): Promise<number> {
  const key = `heap:task:${segmentKey}:${taskId}`
  if (await store.claim(key, TASK_TTL_MS, String(timestampMs))) return timestampMs
  const stored = Number(await store.get(key))
  return Number.isFinite(stored) ? stored : timestampMs
}
