import type { RetryBudget } from '../http/retryBudget'
import { type LaunchDarklyConnection, launchDarklyRequest } from './launchDarklyRequest'
import type { SegmentDelta } from './segmentDelta'

/** Where the segments live, plus how to reach LaunchDarkly. */
export interface LaunchDarklySegmentsOptions extends LaunchDarklyConnection {
  projectKey: string
  environmentKey: string
}

/** The three segment operations the relay needs; `budget` bounds the call and its retries. */
export interface LaunchDarklySegments {
  /** Creates a big (unbounded, `user`-kind) segment; a 409 means it already exists. */
  ensureSegment(segment: { key: string; name: string }, budget?: RetryBudget): Promise<'created' | 'exists'>
  /** Adds and removes context keys in one request (204). */
  updateContexts(segmentKey: string, delta: SegmentDelta, budget?: RetryBudget): Promise<void>
  /** Deletes the segment; a 404 means it was already gone. */
  deleteSegment(segmentKey: string, budget?: RetryBudget): Promise<'deleted' | 'missing'>
}

/**
 * LaunchDarkly's segment REST API for one project and environment.
 *
 * @example
 * const segments = createLaunchDarklySegments({
 *   accessToken: process.env.LD_ACCESS_TOKEN!, projectKey: 'default', environmentKey: 'production',
 * })
 * await segments.ensureSegment({ key: 'heap-123', name: 'Heap: Power users' })
 * await segments.updateContexts('heap-123', { add: ['user-1'], remove: [] })
 */
export function createLaunchDarklySegments(options: LaunchDarklySegmentsOptions): LaunchDarklySegments {
  const base = `/api/v2/segments/${encodeURIComponent(options.projectKey)}/${encodeURIComponent(options.environmentKey)}`
  const withBudget = (budget: RetryBudget | undefined) => (budget ? { budget } : {})
  return {
    async ensureSegment({ key, name }, budget) {
      const body = { key, name, unbounded: true, unboundedContextKind: 'user' }
      const status = await launchDarklyRequest(options, {
        method: 'POST',
        path: base,
        body,
        accept: [409],
        ...withBudget(budget),
      })
      return status === 409 ? 'exists' : 'created'
    },
    async updateContexts(segmentKey, delta, budget) {
      await launchDarklyRequest(options, {
        method: 'POST',
        path: `${base}/${encodeURIComponent(segmentKey)}/contexts`,
        body: { included: { add: [...delta.add], remove: [...delta.remove] } },
        ...withBudget(budget),
      })
    },
    async deleteSegment(segmentKey, budget) {
      const status = await launchDarklyRequest(options, {
        method: 'DELETE',
        path: `${base}/${encodeURIComponent(segmentKey)}`,
        accept: [404],
        ...withBudget(budget),
      })
      return status === 404 ? 'missing' : 'deleted'
    },
  }
}
