// @vitest-environment jsdom
import {
  createExposureTracker,
  createHeapDestination,
  type Exposure,
  type FlagBridgeUser,
  type HeapLike,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type HeapCall, installHeapSnippet } from './heapStandIn'

// The Heap destination over the snippet stand-in: what heap.js is told (and what it holds as
// event properties) through identity changes, reloads, budgets, and heap.js versions.

afterEach(() => {
  localStorage.clear()
  delete (globalThis as { heap?: unknown }).heap
  vi.useRealTimers()
})

const ADA: FlagBridgeUser = { id: 'user-ada' }
const BOB: FlagBridgeUser = { id: 'user-bob' }
/** Where FlagBridge remembers which flags it made Heap event properties, and whose (Heap's cookie outlives the page). */
const STORED = 'flagbridge:heap-event-properties'

function exposure(key: string, user: FlagBridgeUser | undefined, value: boolean | string = true): Exposure {
  return { key, value, variationId: `var-${key}`, provider: 'configcat', user, overridden: false }
}

const calls = (list: HeapCall[]) => list.map((call) => [call.name, ...call.args])

/** heap.js loaded as `window.heap`, optionally replaced by a variant of its API (another Heap version). */
function loadedHeap(variant?: (api: HeapLike) => HeapLike) {
  const heap = installHeapSnippet()
  heap.load()
  const globals = globalThis as { heap?: HeapLike }
  if (variant) globals.heap = variant(globals.heap!)
  return heap
}

describe('what heap.js is told', () => {
  test('user properties are the public traits as scalars (lists as text, nulls left out) with LaunchDarkly’s key', () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    const user: FlagBridgeUser = {
      id: 'user-ada',
      name: 'Ada',
      email: 'ada@example.com',
      attributes: { plan: 'pro', seats: 3, beta: false, tags: ['a', 'b'], manager: null },
      privateAttributes: ['email'],
    }
    tracker.identify(user, { launchDarklyKey: 'ld-ada' })
    expect(calls(heap.calls)).toEqual([
      ['identify', 'user-ada'],
      [
        'addUserProperties',
        { ldUserId: 'ld-ada', name: 'Ada', plan: 'pro', seats: 3, beta: false, tags: '["a","b"]' },
      ],
    ])
    expect([...tracker.log.entries()].reverse().map((entry) => [entry.name, entry.payload])).toEqual([
      [
        'identify',
        {
          identity: 'user-ada',
          userProperties: {
            ldUserId: 'ld-ada',
            name: 'Ada',
            plan: 'pro',
            seats: 3,
            beta: false,
            tags: '["a","b"]',
          },
        },
      ],
    ])
  })

  test('a user with nothing public to tell is identified without addUserProperties', () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify({ id: 'user-ada', email: 'ada@example.com', privateAttributes: ['email'] })
    expect(calls(heap.calls)).toEqual([['identify', 'user-ada']])
  })

  test('the event log shows each call as heap.js receives it', () => {
    loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA, 'blue'))
    tracker.identify(undefined)
    tracker.link('ld-anonymous')
    expect(
      [...tracker.log.entries()].reverse().map((entry) => [entry.name, entry.payload, entry.status]),
    ).toEqual([
      ['identify', { identity: 'user-ada', userProperties: {} }, 'sent'],
      [
        'Feature Flag Evaluated',
        {
          properties: {
            feature_flag_key: 'a',
            value: 'blue',
            variation_id: 'var-a',
            flag_provider: 'configcat',
          },
        },
        'sent',
      ],
      ['resetIdentity', undefined, 'sent'],
      ['addUserProperties', { ldUserId: 'ld-anonymous' }, 'sent'],
    ])
  })

  test('the same flag and value again (dedupe off): tracked again, the event property is not re-added', () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'none' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    expect(heap.calls.map((call) => call.name)).toEqual(['identify', 'track', 'addEventProperties', 'track'])
  })

  test('a call handed over while there is no window.heap at all says so', () => {
    const destination = createHeapDestination()
    expect(() => destination.send({ kind: 'reset' })).toThrow('window.heap is not there')
  })
})

describe('the event-property budget over time', () => {
  test('a flag that grows past the budget is removed from Heap, reported, and forgotten for the next page', () => {
    const heap = loadedHeap()
    const errors: string[] = []
    const tracker = createExposureTracker({
      destinations: [
        createHeapDestination({
          eventPropertyBudget: 100,
          onError: (error) => errors.push(`${error.code} ${error.message}`),
        }),
      ],
      dedupe: 'none',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA, 'short'))
    tracker.record(exposure('a', ADA, 'x'.repeat(90)))
    expect(heap.eventProperties).toEqual({})
    expect(calls(heap.calls).slice(-2)).toEqual([
      ['track', 'Feature Flag Evaluated', expect.objectContaining({ feature_flag_key: 'a' })],
      ['removeEventProperty', 'a'],
    ])
    expect(errors).toEqual([
      'HEAP_BUDGET [flagbridge] "a" exceeds the Heap event-property budget (100 bytes): tracked, not kept as an event property.',
    ])
    // The next page is Bob's: nothing of Ada's is left to remove.
    const next = loadedHeap()
    const bobs = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    bobs.identify(BOB)
    expect(next.calls.map((call) => call.name)).toEqual(['identify'])
  })

  test('without onError, a flag past the budget is still tracked and the send counts as sent', () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ eventPropertyBudget: 50 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA, 'x'.repeat(90)))
    expect(tracker.log.entries().map((entry) => entry.status)).toEqual(['sent', 'sent'])
    expect(heap.calls.map((call) => call.name)).toEqual(['identify', 'track'])
  })

  test('the budget holds across reloads: the previous page’s flags are the oldest, evicted first', () => {
    const first = loadedHeap()
    const page = () =>
      createExposureTracker({
        destinations: [createHeapDestination({ eventPropertyBudget: 60 })],
        dedupe: 'page',
      })
    const one = page()
    one.identify(ADA)
    one.record(exposure('a', ADA, 'aaaaaaaaaa'))
    const cookie = { ...first.eventProperties }
    // Reload: Heap's cookie (identity and event properties) survives.
    const reloaded = loadedHeap()
    ;(globalThis as unknown as { heap: HeapLike }).heap.identify('user-ada')
    Object.assign(reloaded.eventProperties, cookie)
    reloaded.calls.length = 0
    const two = page()
    two.identify(ADA)
    two.record(exposure('b', ADA, 'bbbbbbbbbb'))
    expect(calls(reloaded.calls)).toEqual([
      ['identify', 'user-ada'],
      ['track', 'Feature Flag Evaluated', expect.objectContaining({ feature_flag_key: 'b' })],
      ['removeEventProperty', 'a'],
      ['addEventProperties', { b: 'bbbbbbbbbb' }],
    ])
    expect(reloaded.eventProperties).toEqual({ b: 'bbbbbbbbbb' })
  })

  test('a stored flag now larger than the budget is removed from Heap before the page’s first call', () => {
    localStorage.setItem(
      STORED,
      JSON.stringify({ identity: 'user-ada', properties: [['big', 'x'.repeat(200)]] }),
    )
    const heap = loadedHeap()
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ eventPropertyBudget: 100 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    expect(calls(heap.calls)).toEqual([
      ['removeEventProperty', 'big'],
      ['identify', 'user-ada'],
    ])
  })
})

describe('what a previous page stored', () => {
  test('another visitor’s flags are removed; entries that are not flags FlagBridge could have set are skipped', () => {
    localStorage.setItem(
      STORED,
      JSON.stringify({
        identity: 'user-bob',
        properties: [['s', 'blue'], ['n', 3], ['b', false], ['o', { x: 1 }], ['z', null], [7, 'x'], 'junk'],
      }),
    )
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    expect(calls(heap.calls)).toEqual([
      ['removeEventProperty', 's'],
      ['removeEventProperty', 'n'],
      ['removeEventProperty', 'b'],
      ['identify', 'user-ada'],
    ])
    expect(JSON.parse(localStorage.getItem(STORED)!)).toEqual({ identity: 'user-ada', properties: [] })
  })

  test('flags stored without an owner are an anonymous visitor’s: kept for an anonymous page', () => {
    localStorage.setItem(STORED, JSON.stringify({ identity: 42, properties: [['a', true]] }))
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(undefined)
    tracker.record(exposure('b', undefined))
    expect(heap.calls.map((call) => call.name)).toEqual(['track', 'addEventProperties'])
    expect(JSON.parse(localStorage.getItem(STORED)!)).toEqual({
      identity: null,
      properties: [
        ['a', true],
        ['b', true],
      ],
    })
  })

  test('storage that is unreadable or not a list is ignored', () => {
    for (const stored of ['{not json', JSON.stringify({ identity: 'user-bob', properties: 'a,b' })]) {
      localStorage.setItem(STORED, stored)
      const heap = loadedHeap()
      const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
      tracker.identify(ADA)
      expect(calls(heap.calls)).toEqual([['identify', 'user-ada']])
    }
  })

  test('storage turned off: nothing is remembered', () => {
    loadedHeap()
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ storage: null })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect(localStorage.length).toBe(0)
  })
})

describe('reconciling with the identity heap.js persisted', () => {
  test('Heap 4 (an `identity` property, no getIdentity): another user’s identity is reset', () => {
    const heap = loadedHeap((api) => ({ ...api, getIdentity: undefined, identity: 'user-bob' }))
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    expect(heap.calls.map((call) => call.name)).toEqual(['resetIdentity', 'identify'])
    expect([...tracker.log.entries()].reverse().map((entry) => `${entry.name} ${entry.status}`)).toEqual([
      'identify sent',
      'reset sent',
    ])
  })

  test('a heap.js that cannot say who it identified is left alone', () => {
    const heap = loadedHeap((api) => ({ ...api, getIdentity: undefined }))
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    expect(heap.calls.map((call) => call.name)).toEqual(['identify'])
  })

  test('heap.js identified as someone else: reset, and the flags FlagBridge kept for this user go too', () => {
    localStorage.setItem(STORED, JSON.stringify({ identity: 'user-ada', properties: [['a', true]] }))
    const heap = loadedHeap()
    ;(globalThis as unknown as { heap: HeapLike }).heap.identify('user-bob')
    heap.calls.length = 0
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    expect(calls(heap.calls)).toEqual([
      ['resetIdentity'],
      ['removeEventProperty', 'a'],
      ['identify', 'user-ada'],
    ])
  })
})

describe('waiting for heap.js', () => {
  test('Heap that says it is ready through onReady only (no `loaded` flag) is used once it says so', async () => {
    const page: { heap?: unknown } = {}
    const heap = installHeapSnippet(page)
    // heap.js without the `loaded` flag: a fresh view of it each time, so only onReady can tell.
    const api = () => {
      const current = page.heap as HeapLike
      return Array.isArray(current) ? current : { ...current, loaded: undefined }
    }
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ api, pollInterval: 5 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect(tracker.pending()).toEqual({ heap: 2 })
    heap.load()
    await vi.waitFor(() => expect(tracker.pending()).toEqual({ heap: 0 }))
    expect(heap.calls.map((call) => call.name)).toEqual(['identify', 'track', 'addEventProperties'])
    // It could not say whether it had loaded, so nothing was reset on that account.
    expect(tracker.log.entries().some((entry) => entry.name === 'reset')).toBe(false)
    tracker.dispose()
  })

  test('heap.js that answers onReady at once, seen through a getter giving a new view each time, is asked once', async () => {
    const page: { heap?: unknown } = {}
    const heap = installHeapSnippet(page)
    let asked = 0
    const api = (): HeapLike => {
      const current = page.heap as HeapLike
      if (Array.isArray(current)) return current
      return {
        ...current,
        loaded: undefined,
        onReady(callback) {
          asked++
          current.onReady!(callback)
        },
      }
    }
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ api, pollInterval: 5 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    heap.load()
    await vi.waitFor(() => expect(tracker.pending()).toEqual({ heap: 0 }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect([asked, heap.calls.map((call) => call.name)]).toEqual([1, ['identify']])
    tracker.dispose()
  })

  test('an object that is not heap.js yet (loaded false) is waited for', async () => {
    const heap = loadedHeap()
    const loaded = (globalThis as unknown as { heap: HeapLike }).heap
    const notYet = { ...loaded, loaded: false, onReady: undefined }
    delete (globalThis as { heap?: unknown }).heap
    let current: HeapLike = notYet
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ api: () => current, pollInterval: 5 })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(tracker.pending()).toEqual({ heap: 1 })
    current = loaded
    await vi.waitFor(() => expect(tracker.pending()).toEqual({ heap: 0 }))
    expect(heap.calls.map((call) => call.name)).toEqual(['identify'])
    tracker.dispose()
  })

  test('an api given explicitly is used even when another heap.js is on window', () => {
    const mine = loadedHeap()
    const given = (globalThis as unknown as { heap: HeapLike }).heap
    const other = loadedHeap()
    const tracker = createExposureTracker({
      destinations: [createHeapDestination({ api: given })],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    expect([mine.calls.map((call) => call.name), other.calls]).toEqual([['identify'], []])
  })

  test('HEAP_NOT_LOADED once loadTimeout has passed, not before; the message says how long', () => {
    vi.useFakeTimers()
    installHeapSnippet() // heap.js never arrives
    const errors: string[] = []
    const destination = createHeapDestination({
      pollInterval: 100,
      loadTimeout: 2_000,
      onError: (error) => errors.push(`${error.code} ${error.message}`),
    })
    const tracker = createExposureTracker({ destinations: [destination], dedupe: 'page' })
    tracker.identify(ADA)
    vi.advanceTimersByTime(1_999)
    expect([errors, destination.state()]).toEqual([[], { status: 'loading' }])
    vi.advanceTimersByTime(1)
    vi.advanceTimersByTime(5_000)
    expect(errors).toEqual([
      'HEAP_NOT_LOADED [flagbridge] heap.js has not loaded after 2 s (blocked, or the snippet is missing): Heap events wait, bounded by tracking.maxQueueSize.',
    ])
    expect(destination.state()).toEqual({
      status: 'error',
      error: expect.objectContaining({ code: 'HEAP_NOT_LOADED' }),
    })
    expect(tracker.pending()).toEqual({ heap: 1 })
    tracker.dispose()
  })

  test('a Heap that turns to error tells its listeners then, not on the next change (the overlay health dot)', () => {
    vi.useFakeTimers()
    installHeapSnippet()
    const destination = createHeapDestination({ pollInterval: 100, loadTimeout: 1_000 })
    const tracker = createExposureTracker({ destinations: [destination], dedupe: 'page' })
    const heard: string[] = []
    const unsubscribe = tracker.subscribeDestinations(() => heard.push(destination.state().status))
    vi.advanceTimersByTime(999)
    expect(heard).toEqual([])
    vi.advanceTimersByTime(1_001)
    expect(heard).toEqual(['error'])
    unsubscribe()
    tracker.dispose()
  })

  test('without onError, a Heap that never loads ends in error quietly', () => {
    vi.useFakeTimers()
    installHeapSnippet()
    const destination = createHeapDestination({ pollInterval: 100, loadTimeout: 1_000 })
    const tracker = createExposureTracker({ destinations: [destination], dedupe: 'page' })
    expect(() => vi.advanceTimersByTime(2_000)).not.toThrow()
    expect(destination.state().status).toBe('error')
    tracker.dispose()
  })

  test('heap.js is looked for only while someone listens, and not once it is there', () => {
    vi.useFakeTimers()
    const heap = installHeapSnippet()
    const destination = createHeapDestination({ pollInterval: 100 })
    destination.load!()
    expect(vi.getTimerCount()).toBe(0)
    const first = destination.subscribe(() => {})
    const second = destination.subscribe(() => {})
    expect(vi.getTimerCount()).toBe(1)
    second()
    expect(vi.getTimerCount()).toBe(1)
    first()
    expect(vi.getTimerCount()).toBe(0)
    const third = destination.subscribe(() => {})
    expect(vi.getTimerCount()).toBe(1)
    heap.load()
    vi.advanceTimersByTime(100)
    expect([destination.state(), vi.getTimerCount()]).toEqual([{ status: 'ready' }, 0])
    third()
  })

  test('before consent nothing even looks at window.heap; consent starts it', () => {
    const heap = installHeapSnippet()
    heap.load()
    const loaded = (globalThis as unknown as { heap: HeapLike }).heap
    let looked = 0
    Object.defineProperty(globalThis, 'heap', {
      configurable: true,
      get: () => {
        looked++
        return loaded
      },
    })
    const tracker = createExposureTracker({
      destinations: [createHeapDestination()],
      dedupe: 'page',
      consent: false,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    expect([looked, heap.calls]).toEqual([0, []])
    tracker.setConsent(true)
    expect(looked).toBeGreaterThan(0)
    expect(heap.calls.map((call) => call.name)).toEqual(['identify', 'track', 'addEventProperties'])
    tracker.dispose()
  })

  test('heap.js already there: no polling at all', () => {
    vi.useFakeTimers()
    loadedHeap()
    const destination = createHeapDestination({ pollInterval: 100 })
    const unsubscribe = destination.subscribe(() => {})
    destination.load!()
    expect([destination.state(), vi.getTimerCount()]).toEqual([{ status: 'ready' }, 0])
    unsubscribe()
  })

  test('identity() is what heap.js says; unknown before it loads, or when it throws', () => {
    installHeapSnippet()
    const destination = createHeapDestination()
    expect(destination.identity!()).toBeUndefined()
    const heap = installHeapSnippet()
    heap.load()
    ;(globalThis as unknown as { heap: HeapLike }).heap.identify('user-ada')
    expect(destination.identity!()).toEqual({ userId: 'user-ada', anonymousId: 'heap-user-id' })
    const loaded = (globalThis as unknown as { heap: HeapLike }).heap
    ;(globalThis as unknown as { heap: HeapLike }).heap = {
      ...loaded,
      getIdentity: undefined,
      getUserId: undefined,
    }
    expect(destination.identity!()).toEqual({ userId: undefined, anonymousId: undefined })
    ;(globalThis as unknown as { heap: HeapLike }).heap = {
      ...loaded,
      getIdentity: () => {
        throw new Error('not ready')
      },
    }
    expect(destination.identity!()).toBeUndefined()
  })
})

describe('consent withdrawn after Heap was loaded', () => {
  const withFlags = () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('b', ADA, 'blue'))
    expect(heap.eventProperties).toEqual({ a: true, b: 'blue' })
    heap.calls.length = 0
    return { heap, tracker }
  }

  test('the flags come off Heap’s events while withdrawn (heap.js keeps running for the app) and back once given', () => {
    const { heap, tracker } = withFlags()
    tracker.setConsent(false)
    expect(calls(heap.calls)).toEqual([
      ['removeEventProperty', 'a'],
      ['removeEventProperty', 'b'],
    ])
    expect(heap.eventProperties).toEqual({})
    // Nothing reaches Heap while withdrawn.
    tracker.record(exposure('c', ADA))
    tracker.setConsent(false)
    expect(calls(heap.calls)).toHaveLength(2)
    heap.calls.length = 0
    tracker.setConsent(true)
    expect(calls(heap.calls)).toEqual([
      ['addEventProperties', { a: true, b: 'blue' }],
      ['track', 'Feature Flag Evaluated', expect.objectContaining({ feature_flag_key: 'c' })],
      ['addEventProperties', { c: true }],
    ])
    expect(heap.eventProperties).toEqual({ a: true, b: 'blue', c: true })
  })

  test('withdrawn, then reloaded: the next page with consent puts the same visitor’s flags back before its first call', () => {
    const { tracker } = withFlags()
    tracker.setConsent(false)
    expect(JSON.parse(localStorage.getItem(STORED)!)).toEqual({
      identity: 'user-ada',
      properties: [
        ['a', true],
        ['b', 'blue'],
      ],
      removed: true,
    })
    // Reload: Heap's cookie holds the identity, not the flags (taken off).
    const reloaded = loadedHeap()
    ;(globalThis as unknown as { heap: HeapLike }).heap.identify('user-ada')
    reloaded.calls.length = 0
    const next = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    next.identify(ADA)
    expect(calls(reloaded.calls)).toEqual([
      ['addEventProperties', { a: true, b: 'blue' }],
      ['identify', 'user-ada'],
    ])
    expect(JSON.parse(localStorage.getItem(STORED)!)).toEqual({
      identity: 'user-ada',
      properties: [
        ['a', true],
        ['b', 'blue'],
      ],
    })
  })

  test('with no flags on Heap’s events, withdrawing and giving consent again calls nothing', () => {
    const heap = loadedHeap()
    const tracker = createExposureTracker({ destinations: [createHeapDestination()], dedupe: 'page' })
    tracker.identify(ADA)
    heap.calls.length = 0
    tracker.setConsent(false)
    tracker.setConsent(true)
    expect(calls(heap.calls)).toEqual([])
  })
})
