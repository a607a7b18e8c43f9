// @vitest-environment jsdom
import {
  type AnalyticsDestination,
  createExposureTracker,
  createHeapDestination,
  createSegmentDestination,
  type DestinationCall,
  type Exposure,
  type FlagBridgeUser,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

// The tracker's side of the contract: what each destination is handed, in which order, and
// what the event log says about every call, through consent, readiness, overflow and failures.

afterEach(() => {
  // Each test is a new visit: no storage, cookies (Segment's ids) or window.heap left behind.
  clearBrowserState()
  vi.useRealTimers()
})

const ADA: FlagBridgeUser = { id: 'user-ada' }
const BOB: FlagBridgeUser = { id: 'user-bob' }

function exposure(key: string, user: FlagBridgeUser | undefined, overridden = false): Exposure {
  return { key, value: true, variationId: `var-${key}`, provider: 'configcat', user, overridden }
}

function callText(call: DestinationCall): string {
  switch (call.kind) {
    case 'identify':
      return `identify ${call.user.id}`
    case 'reset':
      return 'reset'
    case 'link':
      return `link ${call.launchDarklyKey}`
    case 'track':
      return `track ${call.exposure.user?.id ?? 'anonymous'} ${call.exposure.key}`
  }
}

/**
 * A destination as the interface describes one, whose readiness the test decides: it writes down
 * every call it is handed, every `load()`, and who is listening to it.
 */
function controlled(name: string, { ready = true } = {}) {
  const calls: string[] = []
  const listeners = new Set<() => void>()
  let status: 'loading' | 'ready' = ready ? 'ready' : 'loading'
  let loads = 0
  const destination: AnalyticsDestination = {
    name,
    state: () => ({ status }),
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    describe: (call) => ({ name: call.kind, payload: call.kind === 'track' ? call.exposure.key : undefined }),
    send: (call) => void calls.push(callText(call)),
    load: () => void loads++,
  }
  return {
    destination,
    calls,
    listeners,
    loads: () => loads,
    /** Becomes ready and, unless `silently`, tells its listeners, as a tool that finished loading does. */
    ready({ silently = false } = {}) {
      status = 'ready'
      if (!silently) for (const listener of [...listeners]) listener()
    },
  }
}

/** The event log, oldest first, as `destination name flagKey status`. */
function logLines(tracker: {
  log: { entries(): readonly { destination: string; name: string; flagKey?: string; status: string }[] }
}) {
  return [...tracker.log.entries()]
    .reverse()
    .map((entry) => `${entry.destination} ${entry.name} ${entry.flagKey ?? '-'} ${entry.status}`)
}

/**
 * Settles analytics-next: every call handed over has been dispatched (its promise resolved), and a
 * little more, so a late extra event would be seen by the exact-list assertions that follow.
 */
async function settled(tracker: { stats: { sent: number }; pending(): object }, sent: number) {
  await vi.waitFor(() => expect(tracker.stats.sent).toBe(sent))
  expect(Object.values(tracker.pending()).every((count) => count === 0)).toBe(true)
  await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('overrides', () => {
  test('an overridden value is not an exposure unless trackOverrides is on', () => {
    const quiet = controlled('segment')
    const tracker = createExposureTracker({ destinations: [quiet.destination], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA, true))
    expect(quiet.calls).toEqual(['identify user-ada'])
    expect(tracker.stats.recorded).toBe(0)

    const tracking = controlled('segment')
    const tracked = createExposureTracker({
      destinations: [tracking.destination],
      dedupe: 'page',
      trackOverrides: true,
    })
    tracked.identify(ADA)
    tracked.record(exposure('a', ADA, true))
    expect(tracking.calls).toEqual(['identify user-ada', 'track user-ada a'])
  })
})

describe('identity', () => {
  test('an exposure recorded before any identify identifies its user first (real analytics-next)', async () => {
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.record(exposure('a', ADA))
    await settled(tracker, 2)
    expect(
      segment.captured.map((event) => [event.type, event.userId, event.properties?.feature_flag_key]),
    ).toEqual([
      ['identify', 'user-ada', undefined],
      ['track', 'user-ada', 'a'],
    ])
    expect(tracker.user()).toEqual(ADA)
  })

  test('new traits for the signed-in user: identify again, no reset, so analytics-next keeps the anonymousId', async () => {
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.identify({ ...ADA, name: 'Ada Lovelace' })
    tracker.identify({ ...ADA, name: 'Ada Lovelace' })
    tracker.record(exposure('a', ADA))
    await settled(tracker, 3)
    const anonymousId = segment.captured[0]!.anonymousId
    expect(
      segment.captured.map((event) => [event.type, event.userId, event.anonymousId, event.traits ?? null]),
    ).toEqual([
      ['identify', 'user-ada', anonymousId, {}],
      ['identify', 'user-ada', anonymousId, { name: 'Ada Lovelace' }],
      ['track', 'user-ada', anonymousId, null],
    ])
    expect(tracker.user()).toEqual({ ...ADA, name: 'Ada Lovelace' })
  })
})

describe('connecting', () => {
  test('autoConnect false: nothing is loaded, watched or sent until connect(); connecting twice watches once', () => {
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      dedupe: 'page',
      autoConnect: false,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect([tool.calls, tool.loads(), tool.listeners.size]).toEqual([[], 0, 0])
    expect(tracker.pending()).toEqual({ segment: 2 })
    tracker.connect()
    tracker.connect()
    expect([tool.calls, tool.loads(), tool.listeners.size]).toEqual([
      ['identify user-ada', 'track user-ada a'],
      1,
      1,
    ])
    tracker.disconnect()
    expect(tool.listeners.size).toBe(0)
    tracker.record(exposure('b', ADA))
    expect(tracker.pending()).toEqual({ segment: 1 })
    tracker.connect()
    expect(tool.calls).toEqual(['identify user-ada', 'track user-ada a', 'track user-ada b'])
    expect(tool.loads()).toBe(1)
  })

  test('a tracker disposed before it ever connected disposes its destinations and throws nothing', () => {
    const disposed: string[] = []
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [{ ...tool.destination, dispose: () => void disposed.push('segment') }],
      autoConnect: false,
    })
    expect(() => tracker.dispose()).not.toThrow()
    expect(disposed).toEqual(['segment'])
  })

  test('dispose reports a destination that fails to dispose and still disposes the others', () => {
    const errors: string[] = []
    const disposed: string[] = []
    const failing = controlled('segment')
    const fine = controlled('heap')
    const tracker = createExposureTracker({
      destinations: [
        {
          ...failing.destination,
          dispose: () => {
            throw new Error('boom')
          },
        },
        { ...fine.destination, dispose: () => void disposed.push('heap') },
      ],
      onError: (error) => errors.push(`${error.code} ${error.message}`),
    })
    tracker.dispose()
    expect(errors).toEqual(['DESTINATION_ERROR [flagbridge] segment could not be disposed: boom'])
    expect(disposed).toEqual(['heap'])
    expect([failing.listeners.size, fine.listeners.size]).toEqual([0, 0])
  })

  test('after dispose nothing looks for heap.js any more', () => {
    vi.useFakeTimers()
    installHeapSnippet() // never loads
    const tracker = createExposureTracker({ destinations: [createHeapDestination({ pollInterval: 100 })] })
    tracker.identify(ADA)
    expect(vi.getTimerCount()).toBe(1)
    tracker.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })

  test('flush() sends what waited for a destination that became ready without telling anyone', () => {
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({ destinations: [tool.destination], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tool.ready({ silently: true })
    expect(tool.calls).toEqual([])
    tracker.flush()
    expect(tool.calls).toEqual(['identify user-ada', 'track user-ada a'])
  })
})

describe('consent', () => {
  test('nothing is loaded or sent before consent; the log follows each call from waiting to sent', () => {
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      dedupe: 'page',
      consent: false,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect([tracker.consent(), tool.loads()]).toEqual([false, 0])
    expect(logLines(tracker)).toEqual([
      'segment identify - waiting-for-consent',
      'segment track a waiting-for-consent',
    ])
    tracker.setConsent(true)
    expect([tracker.consent(), tool.loads()]).toEqual([true, 1])
    // Consent given, the tool still loading: queued.
    expect(logLines(tracker)).toEqual(['segment identify - queued', 'segment track a queued'])
    tracker.setConsent(false)
    expect(logLines(tracker)).toEqual([
      'segment identify - waiting-for-consent',
      'segment track a waiting-for-consent',
    ])
    tool.ready()
    expect(tool.calls).toEqual([])
    tracker.setConsent(true)
    expect(tool.calls).toEqual(['identify user-ada', 'track user-ada a'])
    expect(logLines(tracker)).toEqual(['segment identify - sent', 'segment track a sent'])
    expect(tool.loads()).toBe(1)
  })

  test('consent set to what it already is changes nothing, not even the event log’s snapshot', () => {
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      dedupe: 'page',
      consent: false,
    })
    tracker.identify(ADA)
    const log = tracker.log.entries()
    tracker.setConsent(false)
    expect(tracker.log.entries()).toBe(log)
    tracker.setConsent(true)
    const granted = tracker.log.entries()
    tracker.setConsent(true)
    expect(tracker.log.entries()).toBe(granted)
    expect(tool.loads()).toBe(1)
  })

  test('a destination whose load() throws is reported; its calls wait for it to be ready', () => {
    const errors: string[] = []
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [
        {
          ...tool.destination,
          load: () => {
            throw new Error('blocked')
          },
        },
      ],
      onError: (error) => errors.push(error.message),
    })
    tracker.identify(ADA)
    expect(errors).toEqual(['[flagbridge] segment could not load: blocked'])
    tool.ready()
    expect(tool.calls).toEqual(['identify user-ada'])
  })
})

describe('the queue bound', () => {
  test('overflow drops the oldest exposure, never an identity call; the dropped one may be sent again', () => {
    const errors: string[] = []
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      dedupe: 'page',
      maxQueueSize: 3,
      onError: (error) => errors.push(error.code),
    })
    tracker.identify(ADA)
    for (const key of ['a', 'b', 'c']) tracker.record(exposure(key, ADA))
    expect(errors).toEqual(['QUEUE_OVERFLOW'])
    expect(tracker.stats.dropped).toBe(1)
    expect(logLines(tracker)).toEqual([
      'segment identify - queued',
      'segment track a dropped',
      'segment track b queued',
      'segment track c queued',
    ])
    expect(tracker.log.entries().find((entry) => entry.flagKey === 'a')!.error).toMatchObject({
      code: 'QUEUE_OVERFLOW',
    })
    tool.ready()
    tracker.record(exposure('a', ADA))
    expect(tool.calls).toEqual([
      'identify user-ada',
      'track user-ada b',
      'track user-ada c',
      'track user-ada a',
    ])
  })

  test('an anonymous visitor’s queue (exposures only) drops from the front', () => {
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      dedupe: 'page',
      maxQueueSize: 2,
    })
    for (const key of ['a', 'b', 'c']) tracker.record(exposure(key, undefined))
    tool.ready()
    expect(tool.calls).toEqual(['track anonymous b', 'track anonymous c'])
  })

  test('identity calls alone are never dropped, whatever the bound', () => {
    const errors: string[] = []
    const tool = controlled('segment', { ready: false })
    const tracker = createExposureTracker({
      destinations: [tool.destination],
      maxQueueSize: 1,
      onError: (error) => errors.push(error.code),
    })
    tracker.identify(ADA)
    tracker.identify(BOB)
    expect(tracker.pending()).toEqual({ segment: 3 })
    tool.ready()
    expect(tool.calls).toEqual(['identify user-ada', 'reset', 'identify user-bob'])
    expect(errors).toEqual([])
  })
})

describe('destinations that misbehave', () => {
  test('state() throws: its calls wait, the failure is reported, nothing is sent', () => {
    const errors: string[] = []
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [
        {
          ...tool.destination,
          state: () => {
            throw new Error('boom')
          },
        },
      ],
      dedupe: 'page',
      onError: (error) => errors.push(`${error.code} ${error.message}`),
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect(tool.calls).toEqual([])
    expect(tracker.pending()).toEqual({ segment: 2 })
    expect(errors.length).toBeGreaterThan(0)
    expect(new Set(errors)).toEqual(new Set(['DESTINATION_ERROR [flagbridge] segment state() failed: boom']))
  })

  test('subscribe() throws: reported; its calls still go out whenever the tracker flushes', () => {
    const errors: string[] = []
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [
        {
          ...tool.destination,
          subscribe: () => {
            throw new Error('boom')
          },
        },
      ],
      dedupe: 'page',
      onError: (error) => errors.push(`${error.code} ${error.message}`),
    })
    tracker.identify(ADA)
    expect(errors).toEqual(['DESTINATION_ERROR [flagbridge] segment could not be watched: boom'])
    expect(tool.calls).toEqual(['identify user-ada'])
    expect(() => tracker.dispose()).not.toThrow()
  })

  test('describe() throws: the call still goes out, logged by its kind, reported once per call sent', () => {
    const errors: string[] = []
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [
        {
          ...tool.destination,
          describe: () => {
            throw new Error('boom')
          },
        },
      ],
      dedupe: 'page',
      onError: (error) => errors.push(error.message),
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    expect(tool.calls).toEqual(['identify user-ada', 'track user-ada a'])
    expect(errors).toEqual([
      '[flagbridge] segment could not describe identify: boom',
      '[flagbridge] segment could not describe track: boom',
    ])
    expect(
      [...tracker.log.entries()]
        .reverse()
        .map((entry) => [entry.destination, entry.name, entry.payload, entry.status]),
    ).toEqual([
      ['segment', 'identify', undefined, 'sent'],
      ['segment', 'track', undefined, 'sent'],
      ['segment', 'track', undefined, 'deduplicated'],
    ])
  })

  test('reconcile() throws or rejects: reported, and the page’s calls still go out', async () => {
    const errors: string[] = []
    const throwing = controlled('segment')
    const rejecting = controlled('heap')
    const tracker = createExposureTracker({
      destinations: [
        {
          ...throwing.destination,
          reconcile: () => {
            throw new Error('boom')
          },
        },
        { ...rejecting.destination, reconcile: () => Promise.reject(new Error('later')) },
      ],
      dedupe: 'page',
      onError: (error) => errors.push(error.message),
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    await vi.waitFor(() => expect(errors).toHaveLength(2))
    expect(errors).toEqual([
      '[flagbridge] segment could not reconcile its identity: boom',
      '[flagbridge] heap could not reconcile its identity: later',
    ])
    expect([throwing.calls, rejecting.calls]).toEqual([
      ['identify user-ada', 'track user-ada a'],
      ['identify user-ada', 'track user-ada a'],
    ])
  })

  test('a reset found by an asynchronous reconcile is logged once it is known', async () => {
    const tool = controlled('segment')
    let answer!: (reset: boolean) => void
    const tracker = createExposureTracker({
      destinations: [
        { ...tool.destination, reconcile: () => new Promise<boolean>((resolve) => (answer = resolve)) },
      ],
      dedupe: 'page',
    })
    tracker.identify(undefined)
    tracker.record(exposure('a', undefined))
    expect(logLines(tracker)).toEqual(['segment track a sent'])
    answer(true)
    await vi.waitFor(() =>
      expect(logLines(tracker)).toEqual(['segment track a sent', 'segment reset - sent']),
    )
    expect(tracker.log.entries()[0]!.payload).toEqual({
      reason: 'the persisted identity belonged to another visitor',
    })
  })

  test('errors go to the handler set last', async () => {
    const first: string[] = []
    const second: string[] = []
    const tool = controlled('segment')
    const tracker = createExposureTracker({
      destinations: [{ ...tool.destination, send: () => Promise.reject(new Error('down')) }],
      dedupe: 'page',
      onError: (error) => first.push(error.message),
    })
    tracker.setOnError((error) => second.push(error.message))
    tracker.identify(ADA)
    await vi.waitFor(() => expect(second).toEqual(['[flagbridge] segment identify failed: down']))
    expect(first).toEqual([])
  })
})

describe('calls a destination has nothing to send for', () => {
  test('link: Heap is told LaunchDarkly’s key, Segment is handed nothing and nothing is logged for it', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser), createHeapDestination()],
      dedupe: 'page',
    })
    tracker.identify(undefined)
    tracker.link('ld-anonymous-key')
    expect(heap.calls.map((call) => [call.name, ...call.args])).toEqual([
      ['addUserProperties', { ldUserId: 'ld-anonymous-key' }],
    ])
    expect(logLines(tracker)).toEqual(['heap addUserProperties - sent'])
    expect(tracker.pending()).toEqual({ segment: 0, heap: 0 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(segment.captured).toEqual([])
  })

  test('a destination that takes identity only: its exposures and their duplicates leave no trace', () => {
    const sent: string[] = []
    const identityOnly: AnalyticsDestination = {
      name: 'crm',
      state: () => ({ status: 'ready' }),
      subscribe: () => () => {},
      describe: (call) =>
        call.kind === 'identify' ? { name: 'identify', payload: call.user.id } : undefined,
      send: (call) => void sent.push(callText(call)),
    }
    const tracker = createExposureTracker({ destinations: [identityOnly], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    expect(sent).toEqual(['identify user-ada'])
    expect(logLines(tracker)).toEqual(['crm identify - sent'])
    expect(tracker.stats).toMatchObject({ recorded: 2, deduplicated: 1, sent: 1 })
  })
})
