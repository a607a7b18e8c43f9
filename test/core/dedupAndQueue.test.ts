// @vitest-environment jsdom
import {
  createExposureTracker,
  createHeapDestination,
  createSegmentDestination,
  type Exposure,
  type FlagBridgeError,
  type FlagBridgeUser,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

afterEach(clearBrowserState)

const ADA: FlagBridgeUser = { id: 'user-ada' }
const BOB: FlagBridgeUser = { id: 'user-bob' }

function exposure(key: string, user: FlagBridgeUser | undefined, value: boolean | string = true): Exposure {
  return {
    key,
    value,
    variationId: `var-${key}-${String(value)}`,
    provider: 'configcat',
    user,
    overridden: false,
  }
}

/** Lets analytics-next finish dispatching, then a little more so a late extra event would show. */
async function drained(captured: unknown[], expected: number) {
  await vi.waitFor(() => expect(captured.length).toBeGreaterThanOrEqual(expected))
  await new Promise((resolve) => setTimeout(resolve, 30))
}

describe('dedup', () => {
  test('10,000 evaluations of 50 flags by one user: exactly 50 Segment tracks', async () => {
    const segment = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    for (let index = 0; index < 10_000; index++) tracker.record(exposure(`flag-${index % 50}`, ADA))
    await drained(segment.captured, 51)
    const tracks = segment.captured.filter((event) => event.type === 'track')
    expect(tracks).toHaveLength(50)
    expect(new Set(tracks.map((event) => event.properties!.feature_flag_key)).size).toBe(50)
    expect(segment.captured.filter((event) => event.type === 'identify')).toHaveLength(1)
    expect(tracker.stats).toMatchObject({ recorded: 10_000, deduplicated: 9_950 })
  })

  test('a new identity re-sends; a new value (variation) is a new exposure', async () => {
    const segment = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('checkout', ADA))
    tracker.record(exposure('checkout', ADA))
    tracker.identify(BOB)
    tracker.record(exposure('checkout', BOB))
    tracker.record(exposure('checkout', BOB))
    tracker.record(exposure('checkout', BOB, false))
    await drained(segment.captured, 5)
    expect(
      segment.captured.map((event) => [event.type, event.userId, event.properties?.value]),
    ).toStrictEqual([
      ['identify', 'user-ada', undefined],
      ['track', 'user-ada', true],
      ['identify', 'user-bob', undefined],
      ['track', 'user-bob', true],
      ['track', 'user-bob', false],
    ])
  })

  test("dedupe 'none' sends every exposure", async () => {
    const segment = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'none',
    })
    tracker.identify(ADA)
    for (let index = 0; index < 12; index++) tracker.record(exposure(`flag-${index % 3}`, ADA))
    await drained(segment.captured, 13)
    expect(segment.captured.filter((event) => event.type === 'track')).toHaveLength(12)
  })

  test("'session' survives a reload (same Storage): 0 new sends; 'page' does not", async () => {
    const storage = new Map<string, string>()
    const sessionStorageLike = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    }
    const firstPage = loadCapturedSegment()
    const first = createExposureTracker({
      destinations: [createSegmentDestination(firstPage.browser)],
      dedupe: 'session',
      storage: sessionStorageLike,
    })
    first.identify(ADA)
    for (let index = 0; index < 5; index++) first.record(exposure(`flag-${index}`, ADA))
    await drained(firstPage.captured, 6)
    expect(firstPage.captured.filter((event) => event.type === 'track')).toHaveLength(5)

    // Reload: new tracker, new Segment instance, same tab storage.
    const secondPage = loadCapturedSegment()
    const second = createExposureTracker({
      destinations: [createSegmentDestination(secondPage.browser)],
      dedupe: 'session',
      storage: sessionStorageLike,
    })
    second.identify(ADA)
    for (let index = 0; index < 5; index++) second.record(exposure(`flag-${index}`, ADA))
    second.record(exposure('flag-new', ADA))
    await drained(secondPage.captured, 2)
    expect(
      secondPage.captured
        .filter((event) => event.type === 'track')
        .map((e) => e.properties!.feature_flag_key),
    ).toStrictEqual(['flag-new'])

    const thirdPage = loadCapturedSegment()
    const third = createExposureTracker({
      destinations: [createSegmentDestination(thirdPage.browser)],
      dedupe: 'page',
      storage: sessionStorageLike,
    })
    third.identify(ADA)
    for (let index = 0; index < 5; index++) third.record(exposure(`flag-${index}`, ADA))
    await drained(thirdPage.captured, 6)
    expect(thirdPage.captured.filter((event) => event.type === 'track')).toHaveLength(5)
  })
})

describe('queue and consent', () => {
  test('events before Segment is ready arrive later, in order, once, identify first', async () => {
    const segment = loadCapturedSegment()
    let release!: () => void
    const later = new Promise<unknown>((resolve) => {
      release = () => resolve(segment.browser)
    })
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(later as never)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('b', ADA))
    tracker.record(exposure('a', ADA))
    expect(tracker.pending()).toStrictEqual({ segment: 3 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(segment.captured).toHaveLength(0)
    release()
    await drained(segment.captured, 3)
    expect(segment.captured.map((event) => [event.type, event.properties?.feature_flag_key])).toStrictEqual([
      ['identify', undefined],
      ['track', 'a'],
      ['track', 'b'],
    ])
    expect(tracker.pending()).toStrictEqual({ segment: 0 })
  })

  test('while consent is false nothing leaves; granting it flushes in order, once', async () => {
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
      consent: false,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('b', ADA))
    tracker.record(exposure('b', ADA))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(segment.captured).toHaveLength(0)
    // Newest first: the second "b" is logged as a duplicate, the rest wait for consent.
    expect(tracker.log.entries().map((entry) => entry.status)).toStrictEqual([
      'deduplicated',
      'waiting-for-consent',
      'waiting-for-consent',
      'waiting-for-consent',
    ])
    tracker.setConsent(true)
    tracker.setConsent(true)
    await drained(segment.captured, 3)
    expect(segment.captured.map((event) => [event.type, event.properties?.feature_flag_key])).toStrictEqual([
      ['identify', undefined],
      ['track', 'a'],
      ['track', 'b'],
    ])
  })

  test('events before heap.js loads reach it after load, in order, once, identify first', async () => {
    const heap = installHeapSnippet()
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ pollInterval: 5 })],
      dedupe: 'page',
    })
    tracker.identify(ADA, { launchDarklyKey: 'user-ada' })
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('b', ADA))
    tracker.record(exposure('a', ADA))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(heap.calls).toStrictEqual([])
    expect(tracker.pending()).toStrictEqual({ heap: 3 })
    heap.load()
    await vi.waitFor(() => expect(tracker.pending()).toStrictEqual({ heap: 0 }))
    expect(heap.calls.map((call) => [call.name, ...call.args])).toStrictEqual([
      ['identify', 'user-ada'],
      ['addUserProperties', { ldUserId: 'user-ada' }],
      [
        'track',
        'Feature Flag Evaluated',
        { feature_flag_key: 'a', value: true, variation_id: 'var-a-true', flag_provider: 'configcat' },
      ],
      ['addEventProperties', { a: true }],
      [
        'track',
        'Feature Flag Evaluated',
        { feature_flag_key: 'b', value: true, variation_id: 'var-b-true', flag_provider: 'configcat' },
      ],
      ['addEventProperties', { b: true }],
    ])
  })

  test('the queue bound holds: overflow drops the oldest exposure and reports QUEUE_OVERFLOW, never throws', () => {
    installHeapSnippet() // never loads
    const errors: FlagBridgeError[] = []
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ pollInterval: 60_000 })],
      dedupe: 'page',
      maxQueueSize: 10,
      onError: (error) => errors.push(error),
    })
    tracker.identify(ADA)
    expect(() => {
      for (let index = 0; index < 25; index++) tracker.record(exposure(`flag-${index}`, ADA))
    }).not.toThrow()
    expect(tracker.pending()).toStrictEqual({ heap: 10 })
    // 1 identify + 25 tracks offered, 10 kept: the identify and the 9 newest exposures.
    expect(errors).toHaveLength(16)
    expect(errors.every((error) => error.code === 'QUEUE_OVERFLOW')).toBe(true)
    expect(errors[0]!.message).toContain('heap is not ready and 10 calls are already waiting')
    expect(tracker.stats.dropped).toBe(16)
    tracker.dispose()
  })
})

describe('ledger at capacity', () => {
  test('forgets the least recently seen key, not the oldest inserted', async () => {
    const { createExposureLedger } = await import('@flagbridge/core')
    const ledger = createExposureLedger({ scope: 'page', maxEntries: 3 })
    ledger.setIdentity('u1', ['segment'])
    for (const key of ['a', 'b', 'c']) ledger.take(key, 0)
    expect(ledger.taken('a')).toBe(1) // "a" is in use again: "b" is now the least recently seen
    ledger.take('d', 0)
    expect(['a', 'b', 'c', 'd'].map((key) => ledger.taken(key))).toEqual([1, 0, 1, 1])
    expect(ledger.size()).toBe(3)
  })
})

describe('event log', () => {
  test('logs an exposure once as sent and its first duplicate once as deduplicated, per destination', async () => {
    const { createExposureTracker } = await import('@flagbridge/core')
    const sent: string[] = []
    const destination = (name: string) => ({
      name,
      state: () => ({ status: 'ready' as const }),
      subscribe: () => () => {},
      describe: () => ({ name: 'Feature Flag Evaluated', payload: { name } }),
      send: () => {
        sent.push(name)
      },
    })
    const tracker = createExposureTracker({
      destinations: [destination('a'), destination('b')],
      dedupe: 'page',
    })
    const exposure = {
      key: 'beta',
      value: true,
      variationId: 'v1',
      provider: 'configcat' as const,
      user: undefined,
      overridden: false,
    }
    for (let i = 0; i < 5; i++) tracker.record(exposure)
    expect(sent).toEqual(['a', 'b'])
    expect(tracker.stats.deduplicated).toBe(4)
    expect(tracker.log.entries().map((entry) => `${entry.destination} ${entry.status}`)).toEqual([
      'b deduplicated',
      'a deduplicated',
      'b sent',
      'a sent',
    ])
  })
})
