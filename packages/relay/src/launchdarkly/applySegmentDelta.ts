import type { RetryBudget } from '../http/retryBudget'
import type { LaunchDarklySegments } from './launchDarklySegments'
import type { SegmentDelta } from './segmentDelta'

/** Default keys per LaunchDarkly request. */
export const DEFAULT_CHUNK_SIZE = 1000

/** Options of {@link applySegmentDelta}. */
export interface ApplySegmentDeltaOptions {
  /** Keys (adds plus removes) per request. Default 1000. */
  chunkSize?: number
  /** Called after each request LaunchDarkly accepted: the place to save progress. */
  onChunk?: (chunk: SegmentDelta, progress: { done: number; total: number }) => void | Promise<void>
  /** Time allowed for all the requests and their retries; default unlimited. */
  budget?: RetryBudget
}

/** What {@link applySegmentDelta} sent. */
export interface AppliedSegmentDelta {
  requests: number
  added: number
  removed: number
}

/**
 * Sends a delta to a LaunchDarkly segment in chunks, one request after the other.
 * If a chunk fails, the error propagates and the chunks before it stay applied
 * (adding or removing a key twice is harmless, so a retry of the whole delta is safe).
 *
 * @example
 * await applySegmentDelta(segments, 'heap-123', { add: ids, remove: [] }, {
 *   onChunk: (chunk) => saveProgress(chunk),
 * })
 */
export async function applySegmentDelta(
  segments: LaunchDarklySegments,
  segmentKey: string,
  delta: SegmentDelta,
  options: ApplySegmentDeltaOptions = {},
): Promise<AppliedSegmentDelta> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE))
  const total = delta.add.length + delta.remove.length
  const applied: AppliedSegmentDelta = { requests: 0, added: 0, removed: 0 }
  for (let start = 0; start < total; start += chunkSize) {
    const end = Math.min(total, start + chunkSize)
    // Adds first, then removes, sliced over one virtual list.
    const chunk: SegmentDelta = {
      add: delta.add.slice(start, Math.min(end, delta.add.length)),
      remove: delta.remove.slice(Math.max(0, start - delta.add.length), Math.max(0, end - delta.add.length)),
    }
    await segments.updateContexts(segmentKey, chunk, options.budget)
    applied.requests++
    applied.added += chunk.add.length
    applied.removed += chunk.remove.length
    await options.onChunk?.(chunk, { done: end, total })
  }
  return applied
}
