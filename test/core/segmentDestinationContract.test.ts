// @vitest-environment jsdom
import {
  createExposureTracker,
  createFlagBridge,
  createSegmentDestination,
  type Exposure,
  type FlagBridgeUser,
  type SegmentAnalyticsLike,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import { loadCapturedSegment } from './segmentCapture'

// The Segment destination over the real @segment/analytics-next (and, where the point is an
// app's own Analytics-like instance, over one shaped like the interface FlagBridge documents).

afterEach(() => {
  // Each test is a new visit: no storage, cookies (Segment's ids) or window.heap left behind.
  clearBrowserState()
})

const ADA: FlagBridgeUser = { id: 'user-ada', email: 'ada@example.com', privateAttributes: ['email'] }

function exposure(key: string, user: FlagBridgeUser | undefined): Exposure {
  return { key, value: true, variationId: `var-${key}`, provider: 'configcat', user, overridden: false }
}

/** Settles analytics-next: every call handed over has resolved, and a little more, so a late extra event would show. */
async function settled(tracker: { stats: { sent: number; failed: number } }, handled: number) {
  await vi.waitFor(() => expect(tracker.stats.sent + tracker.stats.failed).toBe(handled))
  await new Promise((resolve) => setTimeout(resolve, 20))
}

/** An app's own Analytics-like instance that answers every call synchronously with `answer`. */
function appInstance(answer: unknown, user?: SegmentAnalyticsLike['user']) {
  const calls: string[] = []
  const analytics: SegmentAnalyticsLike = {
    track: (_event, properties) => {
      calls.push(`track ${(properties as { feature_flag_key: string }).feature_flag_key}`)
      return answer
    },
    identify: (userId) => {
      calls.push(`identify ${userId}`)
      return answer
    },
    reset: () => void calls.push('reset'),
  }
  if (user) analytics.user = user
  return { analytics, calls }
}

describe('loading', () => {
  test('an AnalyticsBrowser is loading until analytics-next has loaded, then ready; calls wait meanwhile', async () => {
    const segment = loadCapturedSegment()
    const destination = createSegmentDestination(segment.browser)
    expect(destination.state()).toEqual({ status: 'loading' })
    expect(destination.identity!()).toBeUndefined()
    const heard: string[] = []
    const unsubscribe = destination.subscribe(() => heard.push(destination.state().status))
    await segment.ready
    await vi.waitFor(() => expect(destination.state()).toEqual({ status: 'ready' }))
    expect(heard).toEqual(['ready'])
    unsubscribe()
  })

  test('an unsubscribed listener hears nothing more', async () => {
    const segment = loadCapturedSegment()
    const destination = createSegmentDestination(segment.browser)
    const heard: string[] = []
    const unsubscribe = destination.subscribe(() => heard.push('changed'))
    unsubscribe()
    await segment.ready
    await vi.waitFor(() => expect(destination.state().status).toBe('ready'))
    expect(heard).toEqual([])
  })

  test('given a function, nothing is loaded before consent; consent loads analytics-next once and sends in order', async () => {
    const loaded: Array<ReturnType<typeof loadCapturedSegment>> = []
    const tracker = createExposureTracker({
      destinations: [
        createSegmentDestination(() => {
          const segment = loadCapturedSegment()
          loaded.push(segment)
          return segment.browser
        }),
      ],
      dedupe: 'page',
      consent: false,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect(loaded).toHaveLength(0)
    tracker.setConsent(true)
    tracker.setConsent(false)
    tracker.setConsent(true)
    expect(loaded).toHaveLength(1)
    await settled(tracker, 2)
    expect(loaded[0]!.captured.map((event) => [event.type, event.userId, event.traits ?? null])).toEqual([
      ['identify', 'user-ada', {}],
      ['track', 'user-ada', null],
    ])
  })

  test('a Segment that cannot load is in error, and the app hears why through onError', async () => {
    const errors: string[] = []
    const blocked = createSegmentDestination(Promise.reject(new Error('blocked by the browser')))
    const throwing = createSegmentDestination(() => {
      throw new Error('no writeKey')
    })
    createFlagBridge({ destinations: [blocked, throwing], onError: (error) => errors.push(error.message) })
    await vi.waitFor(() => expect(blocked.state().status).toBe('error'))
    expect(blocked.state().error).toMatchObject({
      code: 'DESTINATION_ERROR',
      message: '[flagbridge] Segment did not load: blocked by the browser',
    })
    expect(throwing.state().error).toMatchObject({
      code: 'DESTINATION_ERROR',
      message: '[flagbridge] Segment did not load: no writeKey',
    })
    expect(errors.sort()).toEqual([
      '[flagbridge] Segment did not load: blocked by the browser',
      '[flagbridge] Segment did not load: no writeKey',
    ])
  })

  test('load() more than once loads analytics-next once', () => {
    let loads = 0
    const destination = createSegmentDestination(() => {
      loads++
      return new Promise(() => {})
    })
    destination.load!()
    destination.load!()
    expect(loads).toBe(1)
  })

  test('a call handed over before Segment loaded says so', () => {
    const destination = createSegmentDestination(new Promise(() => {}))
    expect(() => destination.send({ kind: 'identify', user: ADA })).toThrow('Segment is not loaded yet')
  })
})

describe('what the event log shows for Segment', () => {
  test('identify with its public traits, reset, and each exposure with its context', async () => {
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.identify({ ...ADA, name: 'Ada' })
    tracker.record(exposure('a', ADA))
    tracker.identify(undefined)
    await settled(tracker, 3)
    expect(
      [...tracker.log.entries()].reverse().map((entry) => [entry.name, entry.payload, entry.status]),
    ).toEqual([
      ['identify', { userId: 'user-ada', traits: { name: 'Ada' } }, 'sent'],
      [
        'Feature Flag Evaluated',
        {
          properties: {
            feature_flag_key: 'a',
            value: true,
            variation_id: 'var-a',
            flag_provider: 'configcat',
            user: {},
          },
          context: { integration: { name: 'configcat', version: '1.0.0' } },
        },
        'sent',
      ],
      ['reset', undefined, 'sent'],
    ])
  })
})

describe('an app’s own Analytics-like instance', () => {
  test('calls that answer nothing (or null) are sent, at once', () => {
    for (const answer of [undefined, null]) {
      const app = appInstance(answer)
      const tracker = createExposureTracker({
        destinations: [createSegmentDestination(app.analytics)],
        dedupe: 'page',
      })
      tracker.identify(ADA)
      tracker.record(exposure('a', ADA))
      expect(app.calls).toEqual(['identify user-ada', 'track a'])
      expect(tracker.log.entries().map((entry) => entry.status)).toEqual(['sent', 'sent'])
      expect(tracker.stats).toMatchObject({ sent: 2, failed: 0 })
    }
  })

  test('a promise that resolves without a Context is a delivery; a Context that failed without a reason is a failure', async () => {
    const resolving = appInstance(Promise.resolve(undefined))
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(resolving.analytics)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    await settled(tracker, 1)
    expect(tracker.stats).toMatchObject({ sent: 1, failed: 0 })

    const errors: string[] = []
    const failing = appInstance(Promise.resolve({ failedDelivery: () => ({ reason: undefined }) }))
    const failed = createExposureTracker({
      destinations: [createSegmentDestination(failing.analytics)],
      dedupe: 'page',
      onError: (error) => errors.push(error.message),
    })
    failed.identify(ADA)
    await settled(failed, 1)
    expect(errors).toEqual(['[flagbridge] segment identify failed: Segment did not deliver the event'])

    // A Context that cannot say whether it failed (an older analytics-next) is a delivery.
    const unknowing = appInstance(Promise.resolve({}))
    const delivered = createExposureTracker({
      destinations: [createSegmentDestination(unknowing.analytics)],
      dedupe: 'page',
    })
    delivered.identify(ADA)
    await settled(delivered, 1)
    expect(delivered.stats).toMatchObject({ sent: 1, failed: 0 })
  })

  test('an instance without a persisted user (no user(), or no id) is never reset, and says nothing about who', () => {
    for (const user of [undefined, () => ({}), () => ({ id: () => '' })]) {
      const errors: string[] = []
      const app = appInstance(undefined, user)
      const destination = createSegmentDestination(app.analytics)
      const tracker = createExposureTracker({
        destinations: [destination],
        dedupe: 'page',
        onError: (error) => errors.push(error.message),
      })
      tracker.identify(undefined)
      tracker.record(exposure('a', undefined))
      expect(app.calls).toEqual(['track a'])
      expect(errors).toEqual([])
    }
    expect(createSegmentDestination(appInstance(undefined).analytics).identity!()).toBeUndefined()
    expect(createSegmentDestination(appInstance(undefined, () => ({})).analytics).identity!()).toEqual({
      userId: undefined,
      anonymousId: undefined,
    })
  })

  test('an instance whose reset() answers with a promise: the reconciling reset is logged once it resolves, reported if it rejects', async () => {
    const errors: string[] = []
    const resolving = appInstance(undefined, () => ({ id: () => 'user-bob' }))
    resolving.analytics.reset = () => Promise.resolve()
    const rejecting = appInstance(undefined, () => ({ id: () => 'user-bob' }))
    rejecting.analytics.reset = () => Promise.reject(new Error('storage blocked'))
    const tracker = createExposureTracker({
      destinations: [
        { ...createSegmentDestination(resolving.analytics), name: 'segment' },
        { ...createSegmentDestination(rejecting.analytics), name: 'segment-2' },
      ],
      dedupe: 'page',
      onError: (error) => errors.push(error.message),
    })
    tracker.identify(undefined)
    tracker.record(exposure('a', undefined))
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    await vi.waitFor(() => expect(tracker.log.entries()[0]!.name).toBe('reset'))
    expect(
      [...tracker.log.entries()]
        .reverse()
        .map((entry) => `${entry.destination} ${entry.name} ${entry.status}`),
    ).toEqual([
      'segment Feature Flag Evaluated sent',
      'segment-2 Feature Flag Evaluated sent',
      'segment reset sent',
    ])
    expect(errors).toEqual(['[flagbridge] segment-2 could not reconcile its identity: storage blocked'])
  })

  test('identity() of an instance whose user() throws is unknown, not an error', () => {
    const app = appInstance(undefined, () => {
      throw new Error('storage blocked')
    })
    expect(createSegmentDestination(app.analytics).identity!()).toBeUndefined()
  })
})

describe('identity() over analytics-next', () => {
  test('is the persisted userId and anonymousId', async () => {
    const segment = loadCapturedSegment()
    const [analytics] = await segment.browser
    await analytics.identify('user-ada')
    const destination = createSegmentDestination(segment.browser)
    await vi.waitFor(() => expect(destination.state().status).toBe('ready'))
    expect(destination.identity!()).toEqual({
      userId: 'user-ada',
      anonymousId: analytics.user().anonymousId(),
    })
    expect(destination.identity!()!.anonymousId).toEqual(expect.any(String))
  })
})
