// @vitest-environment jsdom
import {
  createFlagBridge,
  createHeapDestination,
  createSegmentDestination,
  createStaticVendor,
  type FlagEvaluation,
} from '@flagbridge/core'
import { describe, expect, it, vi } from 'vitest'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

// Read-only accessors the devtools overlay uses: evaluation-stat notifications and each
// analytics tool's own view of the visitor.

describe('bridge.subscribeEvaluationStats', () => {
  it('tells listeners once per microtask after recordExposure changed the stats', async () => {
    const bridge = createFlagBridge({
      vendors: { configcat: createStaticVendor('configcat', { beta: true }) },
    })
    const listener = vi.fn()
    const unsubscribe = bridge.subscribeEvaluationStats(listener)
    const evaluation = bridge.store.getEvaluation('beta', false) as FlagEvaluation<unknown>
    bridge.recordExposure(evaluation)
    bridge.recordExposure(evaluation)
    expect(listener).not.toHaveBeenCalled()
    await Promise.resolve()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(bridge.evaluationStats().get('beta')?.count).toBe(2)

    unsubscribe()
    bridge.recordExposure(evaluation)
    await Promise.resolve()
    expect(listener).toHaveBeenCalledTimes(1)
    bridge.dispose()
  })
})

describe('destination.identity()', () => {
  it("Segment: analytics-next's persisted anonymousId and userId, once loaded", async () => {
    const segment = loadCapturedSegment()
    const destination = createSegmentDestination(segment.browser)
    expect(destination.identity?.()).toBeUndefined()
    const analytics = await segment.ready
    await Promise.resolve()
    const anonymous = destination.identity?.()
    expect(anonymous?.anonymousId).toBe(analytics.user().anonymousId())
    expect(anonymous?.anonymousId).toEqual(expect.any(String))
    await analytics.identify('user-1')
    expect(destination.identity?.()).toMatchObject({ userId: 'user-1' })
  })

  it('Heap: nothing while the snippet queues calls (no call is queued for it), then heap.js answers', () => {
    const target: { heap?: unknown } = {}
    const heap = installHeapSnippet(target)
    const destination = createHeapDestination({ api: () => target.heap as never, storage: null })
    expect(destination.identity?.()).toBeUndefined()
    expect(heap.snippet.filter((call) => call.name.startsWith('get'))).toEqual([])
    heap.load()
    expect(destination.identity?.()).toEqual({ userId: null, anonymousId: 'heap-user-id' })
    destination.send({ kind: 'identify', user: { id: 'user-1' } })
    expect(destination.identity?.()).toEqual({ userId: 'user-1', anonymousId: 'heap-user-id' })
    destination.dispose?.()
  })
})
