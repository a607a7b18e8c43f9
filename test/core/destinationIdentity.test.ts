// @vitest-environment jsdom
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createExposureTracker,
  createHeapDestination,
  createSegmentDestination,
  type Exposure,
  type FlagBridgeError,
  type FlagBridgeUser,
  type LedgerStorage,
} from '@flagbridge/core'
import { AnalyticsBrowser } from '@segment/analytics-next'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

afterEach(clearBrowserState)

const ADA: FlagBridgeUser = { id: 'user-ada' }
const BOB: FlagBridgeUser = { id: 'user-bob' }

function exposure(key: string, user: FlagBridgeUser | undefined, value: boolean | string = true): Exposure {
  return { key, value, variationId: `var-${key}`, provider: 'configcat', user, overridden: false }
}

/** A Storage over a Map, shared by the "pages" of one tab. */
function tabStorage(): LedgerStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  }
}

/** Lets analytics-next finish dispatching, then a little more so a late extra event would show. */
async function settle(captured: unknown[], atLeast: number) {
  await vi.waitFor(() => expect(captured.length).toBeGreaterThanOrEqual(atLeast))
  await new Promise((resolve) => setTimeout(resolve, 50))
}

describe('4. sign-out that happened off the page: each tool’s persisted identity is reconciled first', () => {
  test('Segment: analytics-next still holds ajs_user_id, the page is anonymous → reset before the first exposure', async () => {
    // The previous page: Ada signed in; analytics-next persists her id (cookie and localStorage).
    const previous = loadCapturedSegment()
    const [analytics] = await previous.browser
    await analytics.identify('user-ada')
    const adaAnonymousId = analytics.user().anonymousId()

    // This page: the server session ended, so the app renders user={undefined}.
    const page = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(page.browser)],
      dedupe: 'page',
    })
    tracker.identify(undefined)
    tracker.record(exposure('checkout', undefined))
    await settle(page.captured, 1)
    expect(page.captured).toHaveLength(1)
    expect(page.captured[0]).toMatchObject({ type: 'track', event: 'Feature Flag Evaluated' })
    expect(page.captured[0]!.userId).toBeUndefined()
    expect(page.captured[0]!.anonymousId).toEqual(expect.any(String))
    expect(page.captured[0]!.anonymousId).not.toBe(adaAnonymousId)
    // The log lists entries as they were logged: the exposure was queued before Segment had loaded.
    expect(tracker.log.entries().map((entry) => [entry.name, entry.status, entry.payload])).toEqual([
      ['reset', 'sent', { reason: 'the persisted identity belonged to another visitor' }],
      ['Feature Flag Evaluated', 'sent', expect.objectContaining({ properties: expect.any(Object) })],
    ])
  })

  test('Segment: the same user as persisted keeps their ids (no reset)', async () => {
    const previous = loadCapturedSegment()
    const [analytics] = await previous.browser
    await analytics.identify('user-ada')
    const anonymousId = analytics.user().anonymousId()

    const page = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(page.browser)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('checkout', ADA))
    await settle(page.captured, 2)
    expect(page.captured.map((event) => [event.type, event.userId, event.anonymousId])).toEqual([
      ['identify', 'user-ada', anonymousId],
      ['track', 'user-ada', anonymousId],
    ])
  })

  test('Heap: heap.js still identifies Ada, the page is anonymous → resetIdentity before the first track', async () => {
    const heap = installHeapSnippet()
    heap.load()
    ;(globalThis as unknown as { heap: { identify(id: string): void } }).heap.identify('user-ada')
    heap.calls.length = 0
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(undefined)
    tracker.record(exposure('checkout', undefined))
    expect(heap.calls.map((call) => call.name)).toEqual(['resetIdentity', 'track', 'addEventProperties'])
    expect(heap.identity()).toBeNull()
  })
})

describe('5. identity is ordered by call order, as the tools stamp it: no waiting on earlier sends', () => {
  test('real analytics-next: anonymous exposures, then identify, then Ada’s: each event carries who it was for', async () => {
    const segment = loadCapturedSegment()
    await segment.browser
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      dedupe: 'page',
    })
    tracker.identify(undefined)
    tracker.record(exposure('a', undefined))
    tracker.record(exposure('b', undefined))
    tracker.identify(ADA)
    tracker.record(exposure('c', ADA))
    await settle(segment.captured, 4)
    const anonymousId = segment.captured[0]!.anonymousId
    expect(
      segment.captured.map((event) => [
        event.type,
        event.properties?.feature_flag_key,
        event.userId,
        event.anonymousId,
      ]),
    ).toEqual([
      ['track', 'a', undefined, anonymousId],
      ['track', 'b', undefined, anonymousId],
      ['identify', undefined, 'user-ada', anonymousId],
      ['track', 'c', 'user-ada', anonymousId],
    ])
  })

  test('a Segment whose calls never settle: every call is handed over at once, none waits on a timer', () => {
    const calls: string[] = []
    const never = new Promise<never>(() => {})
    const analytics = {
      identify(id: string) {
        calls.push(`identify ${id}`)
        return never
      },
      track(_event: string, properties: { feature_flag_key: string }) {
        calls.push(`track ${properties.feature_flag_key}`)
        return never
      },
      reset: () => void calls.push('reset'),
    }
    vi.useFakeTimers()
    try {
      const tracker = createExposureTracker({
        destinations: [createSegmentDestination(analytics)],
        dedupe: 'page',
      })
      tracker.identify(ADA)
      for (const key of ['a', 'b', 'c']) tracker.record(exposure(key, ADA))
      tracker.identify(BOB)
      tracker.record(exposure('a', BOB))
      expect(calls).toEqual([
        'identify user-ada',
        'track a',
        'track b',
        'track c',
        'reset',
        'identify user-bob',
        'track a',
      ])
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('6. Heap event properties follow the visitor across reloads, and not across identities', () => {
  test('with session dedupe, a reload keeps the flags Heap already holds (no removal, nothing lost)', () => {
    const session = tabStorage()
    const heap = installHeapSnippet()
    heap.load()
    const first = createExposureTracker({ destinations: [createHeapDestination()], storage: session })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    first.record(exposure('b', ADA, 'blue'))
    expect(heap.eventProperties).toEqual({ a: true, b: 'blue' })
    return Promise.resolve().then(() => {
      // Reload: Heap's props cookie and its identity survive; FlagBridge starts over with the same storage.
      const cookie = { ...heap.eventProperties }
      const reloaded = installHeapSnippet()
      reloaded.load()
      ;(globalThis as unknown as { heap: { identify(id: string): void } }).heap.identify('user-ada')
      Object.assign(reloaded.eventProperties, cookie)
      reloaded.calls.length = 0
      const second = createExposureTracker({ destinations: [createHeapDestination()], storage: session })
      second.identify(ADA)
      second.record(exposure('a', ADA))
      second.record(exposure('b', ADA, 'blue'))
      expect(second.stats.deduplicated).toBe(2)
      expect(reloaded.calls.map((call) => call.name)).toEqual(['identify'])
      expect(reloaded.eventProperties).toEqual({ a: true, b: 'blue' })
    })
  })

  test('a reload for another user removes the previous user’s flags before anything is sent', () => {
    const heap = installHeapSnippet()
    heap.load()
    const first = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    const cookie = { ...heap.eventProperties }
    const reloaded = installHeapSnippet()
    reloaded.load()
    Object.assign(reloaded.eventProperties, cookie)
    const second = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    second.identify(BOB)
    second.record(exposure('b', BOB))
    expect(reloaded.calls.map((call) => [call.name, ...call.args])).toEqual([
      ['removeEventProperty', 'a'],
      ['identify', 'user-bob'],
      ['track', 'Feature Flag Evaluated', expect.objectContaining({ feature_flag_key: 'b' })],
      ['addEventProperties', { b: true }],
    ])
    expect(reloaded.eventProperties).toEqual({ b: true })
  })

  test('sign-out and a switch remove FlagBridge’s event properties, so Bob’s events never carry Ada’s flags', () => {
    const heap = installHeapSnippet()
    heap.load()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('shared', ADA, 'ada-value'))
    tracker.identify(BOB)
    expect(heap.eventProperties).toEqual({})
    tracker.record(exposure('shared', BOB, 'bob-value'))
    expect(heap.eventProperties).toEqual({ shared: 'bob-value' })
    tracker.identify(undefined)
    expect(heap.eventProperties).toEqual({})
    expect(heap.calls.map((call) => call.name)).toEqual([
      'identify',
      'track',
      'addEventProperties',
      'track',
      'addEventProperties',
      'resetIdentity',
      'removeEventProperty',
      'removeEventProperty',
      'identify',
      'track',
      'addEventProperties',
      'resetIdentity',
      'removeEventProperty',
    ])
  })
})

describe('7. heap={{ api: window.heap }} written while window.heap is still the snippet', () => {
  test('works like heap={{}}: heap.js replaces the stub and gets every call, in order', async () => {
    const heap = installHeapSnippet()
    const stub = (globalThis as { heap?: unknown }).heap as never
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ api: stub, pollInterval: 5 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect(tracker.pending()).toEqual({ heap: 2 })
    heap.load()
    await vi.waitFor(() => expect(tracker.pending()).toEqual({ heap: 0 }))
    expect(heap.calls.map((call) => call.name)).toEqual(['identify', 'track', 'addEventProperties'])
    tracker.dispose()
  })

  test('a Heap that never loads: HEAP_NOT_LOADED once after the wait, the queue stays bounded', async () => {
    installHeapSnippet()
    const errors: FlagBridgeError[] = []
    const heapErrors: FlagBridgeError[] = []
    const tracker = createExposureTracker({
      destinations: [
        createHeapDestination({
          pollInterval: 5,
          loadTimeout: 40,
          onError: (error) => heapErrors.push(error),
        }),
      ],
      dedupe: 'page',
      maxQueueSize: 3,
      onError: (error) => errors.push(error),
    })
    tracker.identify(ADA)
    for (const key of ['a', 'b', 'c', 'd']) tracker.record(exposure(key, ADA))
    await vi.waitFor(() => expect(heapErrors).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(heapErrors.map((error) => error.code)).toEqual(['HEAP_NOT_LOADED'])
    expect(heapErrors[0]!.message).toContain('heap.js has not loaded')
    expect(tracker.pending()).toEqual({ heap: 3 })
    expect(errors.map((error) => error.code)).toEqual(['QUEUE_OVERFLOW', 'QUEUE_OVERFLOW'])
    tracker.dispose()
  })
})

describe('9. the session ledger is kept per identity', () => {
  const recorder = (name: string, sent: string[]) => ({
    name,
    state: () => ({ status: 'ready' as const }),
    subscribe: () => () => {},
    describe: (call: { kind: string }) => ({ name: call.kind, payload: undefined }),
    send: (call: { kind: string; exposure?: Exposure }) => {
      if (call.exposure) sent.push(`${name} ${call.exposure.user?.id} ${call.exposure.key}`)
    },
  })

  test('a → b → a, then a reload: nothing is sent twice', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const tracker = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    tracker.identify(BOB)
    tracker.record(exposure('x', BOB))
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    await Promise.resolve()
    const reloaded = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    reloaded.identify(ADA)
    reloaded.record(exposure('x', ADA))
    reloaded.identify(BOB)
    reloaded.record(exposure('x', BOB))
    expect(sent).toEqual(['segment user-ada x', 'segment user-bob x'])
  })

  test('anonymous → Ada → signed out: the new anonymous visitor (a new anonymousId) gets its own exposures, once', async () => {
    const session = tabStorage()
    const segment = loadCapturedSegment()
    await segment.browser
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      storage: session,
    })
    tracker.identify(undefined)
    tracker.record(exposure('x', undefined))
    await settle(segment.captured, 1)
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    await settle(segment.captured, 3)
    // Sign-out: Segment's reset gives the next visitor a new anonymousId, who has seen nothing yet.
    tracker.identify(undefined)
    tracker.record(exposure('x', undefined))
    await settle(segment.captured, 4)
    // A reload of that visitor's page: the same anonymousId, already sent.
    const reloaded = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      storage: session,
    })
    reloaded.identify(undefined)
    reloaded.record(exposure('x', undefined))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const [first, , , last] = segment.captured
    expect(last?.anonymousId).not.toBe(first!.anonymousId)
    expect(
      segment.captured.map((event) => [
        event.type,
        event.properties?.feature_flag_key,
        event.userId ?? null,
        event.anonymousId,
      ]),
    ).toEqual([
      ['track', 'x', null, first!.anonymousId],
      ['identify', undefined, 'user-ada', first!.anonymousId],
      ['track', 'x', 'user-ada', first!.anonymousId],
      ['track', 'x', null, last?.anonymousId],
    ])
  })

  test('anonymous, then Ada signs in on a later page and out off the page: the next anonymous visitor gets its exposures', async () => {
    const session = tabStorage()
    const onPage = (segment: ReturnType<typeof loadCapturedSegment>) =>
      createExposureTracker({ destinations: [createSegmentDestination(segment.browser)], storage: session })
    // Page 1: an anonymous visitor is sent `x`.
    const first = loadCapturedSegment()
    const page1 = onPage(first)
    page1.identify(undefined)
    page1.record(exposure('x', undefined))
    await settle(first.captured, 1)
    // Page 2: Ada signed in.
    const second = loadCapturedSegment()
    const page2 = onPage(second)
    page2.identify(ADA)
    page2.record(exposure('x', ADA))
    await settle(second.captured, 2)
    // Page 3: her session ended on the server; Segment, still holding Ada, is reset: a new visitor.
    const third = loadCapturedSegment()
    const page3 = onPage(third)
    page3.identify(undefined)
    page3.record(exposure('x', undefined))
    await settle(third.captured, 1)
    expect(
      third.captured.map((event) => [event.type, event.properties?.feature_flag_key, event.userId]),
    ).toEqual([['track', 'x', undefined]])
    expect(third.captured[0]!.anonymousId).not.toBe(first.captured[0]!.anonymousId)
  })

  test('a → b → a faster than Segment delivers: each delivery counts for its own user, nothing is sent twice', async () => {
    const session = tabStorage()
    const segment = loadCapturedSegment()
    await segment.browser
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      storage: session,
    })
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    tracker.identify(BOB)
    await settle(segment.captured, 2)
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    await settle(segment.captured, 3)
    expect(
      segment.captured.map((event) => [event.type, event.properties?.feature_flag_key, event.userId]),
    ).toEqual([
      ['identify', undefined, 'user-ada'],
      ['track', 'x', 'user-ada'],
      ['identify', undefined, 'user-bob'],
      ['identify', undefined, 'user-ada'],
    ])
  })

  test('a → b → a while Segment is still loading: a’s exposure waits once', async () => {
    const segment = loadCapturedSegment()
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser)],
      storage: tabStorage(),
    })
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    tracker.identify(BOB)
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    await settle(segment.captured, 4)
    expect(
      segment.captured.map((event) => [event.type, event.properties?.feature_flag_key, event.userId]),
    ).toEqual([
      ['identify', undefined, 'user-ada'],
      ['track', 'x', 'user-ada'],
      ['identify', undefined, 'user-bob'],
      ['identify', undefined, 'user-ada'],
    ])
  })

  test('a delivery of a’s that fails after the switch to b is sent again when a is back', async () => {
    const sent: string[] = []
    const pending: Array<(error: Error) => void> = []
    const tracker = createExposureTracker({
      destinations: [
        {
          name: 'segment',
          state: () => ({ status: 'ready' as const }),
          subscribe: () => () => {},
          describe: (call) => ({ name: call.kind, payload: undefined }),
          send: (call) => {
            if (call.kind !== 'track') return undefined
            sent.push(`${call.exposure.user?.id} ${call.exposure.key}`)
            // The first attempt fails once the user has switched; later ones succeed.
            return sent.length === 1 ? new Promise((_, reject) => pending.push(reject)) : undefined
          },
        },
      ],
      dedupe: 'page',
      onError: () => {},
    })
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    tracker.identify(BOB)
    pending.shift()!(new Error('400'))
    await Promise.resolve()
    tracker.identify(ADA)
    tracker.record(exposure('x', ADA))
    tracker.record(exposure('x', ADA))
    expect(sent).toEqual(['user-ada x', 'user-ada x'])
  })

  test('two providers in one tab keep each other’s deliveries; a reload sends neither again', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const first = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    const second = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    first.identify(ADA)
    second.identify(ADA)
    first.record(exposure('x', ADA))
    second.record(exposure('y', ADA))
    await Promise.resolve()
    const reloaded = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    reloaded.identify(ADA)
    reloaded.record(exposure('x', ADA))
    reloaded.record(exposure('y', ADA))
    expect(sent).toEqual(['segment user-ada x', 'segment user-ada y'])
  })

  test('stored ledgers are bounded: the least recently used identities are forgotten', async () => {
    const session = tabStorage()
    const tracker = createExposureTracker({ destinations: [recorder('segment', [])], storage: session })
    for (let index = 0; index < 30; index++) {
      tracker.identify({ id: `user-${index}` })
      tracker.record(exposure('x', { id: `user-${index}` }))
      await Promise.resolve()
    }
    // 20 identity ledgers plus the list of them.
    expect(session.data.size).toBe(21)
    expect([...session.data.keys()].some((key) => key.includes('"user-29"'))).toBe(true)
    expect([...session.data.keys()].some((key) => key.includes('"user-9"'))).toBe(false)
  })
})

describe('11. a delivery analytics-next gave up on is logged as failed, with the reason', () => {
  let server: Server
  let apiHost: string
  const received: string[] = []
  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`)
      response.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"bad request"}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    apiHost = `127.0.0.1:${(server.address() as AddressInfo).port}/seg`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('Segment’s API answers 400: the Events log says failed, onError hears it, the ledger lets it be sent again', async () => {
    const errors: FlagBridgeError[] = []
    const browser = AnalyticsBrowser.load(
      {
        writeKey: 'failing-key',
        cdnSettings: {
          integrations: { 'Segment.io': { apiKey: 'failing-key', apiHost, protocol: 'http' } },
        } as never,
      },
      {},
    )
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(browser)],
      dedupe: 'page',
      onError: (error) => errors.push(error),
    })
    tracker.identify(ADA)
    tracker.record(exposure('checkout', ADA))
    await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 5_000 })
    expect(received).toEqual(['POST /seg/i', 'POST /seg/t'])
    expect(tracker.log.entries().map((entry) => `${entry.name} ${entry.status}`)).toEqual([
      'Feature Flag Evaluated failed',
      'identify failed',
    ])
    expect(tracker.log.entries()[0]!.error?.message).toContain('Non-retryable error: 400')
    expect(tracker.stats).toMatchObject({ sent: 0, failed: 2 })
  })
})
