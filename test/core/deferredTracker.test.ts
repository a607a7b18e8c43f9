// @vitest-environment jsdom
import {
  type AnalyticsDestination,
  createDeferredTracker,
  createExposureTracker,
  createFlagBridgeWith,
  createStaticVendor,
  type DestinationCall,
  type ExposureTracker,
  type FlagBridgeError,
  type TrackerSettings,
  trackerOptions,
} from '@flagbridge/core'
import { afterEach, describe, expect, test } from 'vitest'

// The tracking pipeline arrives in its own chunk (issue 16): until it has loaded, the bridge's
// calls wait in a stand-in, in order, and nothing is lost or sent under the wrong user.

afterEach(() => {
  localStorage.clear()
  sessionStorage.clear()
})

function recording(name = 'rec') {
  const calls: string[] = []
  const listeners = new Set<() => void>()
  const destination: AnalyticsDestination = {
    name,
    state: () => ({ status: 'ready' }),
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    describe: (call) => ({ name: call.kind, payload: undefined }),
    send: (call: DestinationCall) => {
      if (call.kind === 'track')
        calls.push(`track ${call.exposure.user?.id ?? 'anonymous'} ${call.exposure.key}`)
      else if (call.kind === 'identify') calls.push(`identify ${call.user.id}`)
      else calls.push(call.kind)
    },
  }
  return { destination, calls, listeners }
}

/** A bridge whose tracking "chunk" loads when the test says so (or fails to). */
function bridgeWithDeferredTracking(destination: AnalyticsDestination, dedupe: 'page' | 'none' = 'page') {
  let loads = 0
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = []
  const errors: FlagBridgeError[] = []
  const bridge = createFlagBridgeWith(
    {
      vendors: { configcat: createStaticVendor('configcat', { a: true, b: true, c: true }) },
      user: { id: 'ada' },
      tracking: { dedupe },
      onError: (error) => errors.push(error),
      autoConnect: false,
    },
    (settings: TrackerSettings) =>
      createDeferredTracker({
        load: () => {
          loads++
          return new Promise<ExposureTracker>((resolve, reject) => {
            pending.push({
              resolve: () => {
                const { tracking, tracker } = trackerOptions(settings)
                resolve(
                  createExposureTracker({ ...tracker, destinations: tracking.enabled ? [destination] : [] }),
                )
              },
              reject,
            })
          })
        },
        log: settings.eventLog,
        consent: settings.consent,
        onError: settings.onError,
        dedupe: settings.tracking?.dedupe,
      }),
  )
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  return {
    bridge,
    errors,
    loads: () => loads,
    finishLoading: async () => {
      pending.shift()!.resolve()
      await settle()
    },
    failLoading: async () => {
      pending.shift()!.reject(new Error('chunk failed to load'))
      await settle()
    },
    show: (key: string) => bridge.recordExposure(bridge.store.getEvaluation(key, false)),
  }
}

describe('tracking loaded after mount (createDeferredTracker)', () => {
  test('nothing is loaded until the bridge connects: a render React discards loads no code', () => {
    const { destination } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.show('a')
    expect(page.loads()).toBe(0)
    page.bridge.connect()
    page.bridge.connect()
    expect(page.loads()).toBe(1)
  })

  test('calls made while the code loads are sent once it is there, in order, under the user they were made for', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    page.show('a')
    await page.bridge.identify({ id: 'bob' })
    page.show('b')
    page.show('b')
    expect(calls).toEqual([])
    expect(page.bridge.tracker.destinations).toEqual([])

    await page.finishLoading()
    expect(calls).toEqual(['identify ada', 'track ada a', 'reset', 'identify bob', 'track bob b'])
    expect(page.bridge.tracker.destinations).toEqual([destination])
    page.show('c')
    expect(calls.at(-1)).toBe('track bob c')
    expect(page.errors).toEqual([])
  })

  test('consent given or withdrawn while loading is applied in order', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.setConsent(false)
    page.bridge.connect()
    page.show('a')
    expect(page.bridge.tracker.consent()).toBe(false)
    await page.finishLoading()
    expect(calls).toEqual([])
    page.bridge.setConsent(true)
    expect(calls).toEqual(['identify ada', 'track ada a'])
  })

  test('a chunk that fails to load is reported and asked for again after a second; nothing waiting is lost', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    page.show('a')
    await page.failLoading()
    expect(page.errors.map((error) => [error.code, error.message])).toEqual([
      ['DESTINATION_ERROR', '[flagbridge] FlagBridge tracking could not load: chunk failed to load'],
    ])
    expect(page.loads()).toBe(1)
    // No remount, no reconnect: the provider stays mounted, the chunk is requested again.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(page.loads()).toBe(2)
    await page.finishLoading()
    expect(calls).toEqual(['identify ada', 'track ada a'])
  })

  test('a flag read again while loading waits once: repeated reads never push out other exposures', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    page.show('a')
    for (let read = 0; read < 1_200; read++) page.show('b')
    expect(page.errors).toEqual([])
    await page.finishLoading()
    expect(calls).toEqual(['identify ada', 'track ada a', 'track ada b'])
  })

  test('signed out, in and out again while loading: each anonymous visitor gets its exposure', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    await page.bridge.identify(undefined)
    page.show('a')
    await page.bridge.identify({ id: 'ada' })
    // Sign-out: the tools start a new anonymous visitor, who has not been sent `a` yet.
    await page.bridge.identify(undefined)
    page.show('a')
    await page.finishLoading()
    expect(calls).toEqual([
      'identify ada',
      'reset',
      'track anonymous a',
      'identify ada',
      'reset',
      'track anonymous a',
    ])
  })

  test('an override shown and cleared while loading: the vendor’s same value is still sent, the override is not', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    // `a` serves true without a variation id: the override and the vendor show the same value.
    page.bridge.setOverride('a', true)
    page.show('a')
    page.bridge.store.clearOverride('a')
    page.show('a')
    await page.finishLoading()
    expect(calls).toEqual(['identify ada', 'track ada a'])
  })

  test("with dedupe 'none' every read made while loading is sent", async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination, 'none')
    page.bridge.connect()
    page.show('a')
    page.show('a')
    await page.finishLoading()
    expect(calls).toEqual(['identify ada', 'track ada a', 'track ada a'])
  })

  test('waiting is bounded: past 1,000 calls the oldest exposures go, identity calls stay, one report', async () => {
    const { destination, calls } = recording()
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    const tracker = page.bridge.tracker
    for (let index = 0; index < 1_005; index++)
      tracker.record({
        key: `k${index}`,
        value: true,
        variationId: undefined,
        provider: 'configcat',
        user: { id: 'ada' },
        overridden: false,
      })
    expect(page.errors.map((error) => error.code)).toEqual(['QUEUE_OVERFLOW'])
    await page.finishLoading()
    expect(calls[0]).toBe('identify ada')
    // 1,000 waited: the bridge's identify and the 999 newest exposures (k6 to k1004).
    expect(calls.filter((call) => call.startsWith('track'))).toHaveLength(999)
    expect([calls[1], calls.at(-1)]).toEqual(['track ada k6', 'track ada k1004'])
  })

  test('a bridge disposed before the code arrives disposes what arrives and sends nothing', async () => {
    const { destination, calls, listeners } = recording()
    let disposed = 0
    destination.dispose = () => void disposed++
    const page = bridgeWithDeferredTracking(destination)
    page.bridge.connect()
    page.show('a')
    page.bridge.dispose()
    await page.finishLoading()
    expect(calls).toEqual([])
    expect(disposed).toBe(1)
    expect(listeners.size).toBe(0)
  })

  test('the overlay hears when the destinations arrive (subscribeDestinations)', async () => {
    const { destination, listeners } = recording()
    const page = bridgeWithDeferredTracking(destination)
    let heard = 0
    const unsubscribe = page.bridge.tracker.subscribeDestinations(() => heard++)
    page.bridge.connect()
    await page.finishLoading()
    expect(heard).toBe(1)
    // The bridge (error reports), the tracker (flushing) and the overlay listen to the destination.
    expect(listeners.size).toBe(3)
    unsubscribe()
    expect(listeners.size).toBe(2)
  })
})
