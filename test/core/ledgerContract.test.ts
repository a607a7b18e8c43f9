// @vitest-environment jsdom
import {
  type AnalyticsDestination,
  createExposureLedger,
  createExposureTracker,
  type DestinationCall,
  type Exposure,
  type FlagBridgeUser,
  type LedgerStorage,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'

// The session ledger is what keeps a reload from re-sending every exposure, and what lets a
// failed or dropped exposure be sent again. These tests pin it through what leaves for the
// destinations, page after page of one tab.

afterEach(() => {
  vi.restoreAllMocks()
  sessionStorage.clear()
})

const ADA: FlagBridgeUser = { id: 'user-ada' }
const BOB: FlagBridgeUser = { id: 'user-bob' }
const CAROL: FlagBridgeUser = { id: 'user-carol' }

function exposure(key: string, user: FlagBridgeUser | undefined): Exposure {
  return { key, value: true, variationId: `var-${key}`, provider: 'configcat', user, overridden: false }
}

/** A ready destination that takes every call at once and writes down the exposures it was sent. */
function recorder(name: string, sent: string[], fail: (call: DestinationCall) => boolean = () => false) {
  const destination: AnalyticsDestination = {
    name,
    state: () => ({ status: 'ready' }),
    subscribe: () => () => {},
    describe: (call) => ({ name: call.kind, payload: undefined }),
    send: (call) => {
      if (call.kind !== 'track') return
      if (fail(call)) return Promise.reject(new Error(`${name} refused ${call.exposure.key}`))
      sent.push(`${name} ${call.exposure.user?.id ?? 'anonymous'} ${call.exposure.key}`)
    },
  }
  return destination
}

/** A Storage over a Map, shared by the "pages" of one tab; `removeItem` only when asked for. */
function tabStorage({ removeItem = true } = {}): LedgerStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  const storage: LedgerStorage & { data: Map<string, string> } = {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  }
  if (removeItem) storage.removeItem = (key) => void data.delete(key)
  return storage
}

/** Deliveries are written to storage once per microtask. */
const persisted = () => Promise.resolve()

describe('the session ledger across reloads', () => {
  test('by default it lives in the tab’s sessionStorage: a reload sends nothing again', async () => {
    const sent: string[] = []
    const first = createExposureTracker({ destinations: [recorder('segment', sent)] })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    first.record(exposure('b', ADA))
    await persisted()
    const reloaded = createExposureTracker({ destinations: [recorder('segment', sent)] })
    reloaded.identify(ADA)
    reloaded.record(exposure('a', ADA))
    reloaded.record(exposure('b', ADA))
    reloaded.record(exposure('c', ADA))
    expect(sent).toEqual(['segment user-ada a', 'segment user-ada b', 'segment user-ada c'])
    // Sent: Ada's identify and the new exposure.
    expect(reloaded.stats).toMatchObject({ recorded: 3, deduplicated: 2, sent: 2 })
  })

  test('a tab whose sessionStorage throws (sandboxed iframe) still dedups within the page, never throws', () => {
    vi.spyOn(globalThis, 'sessionStorage', 'get').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    })
    const sent: string[] = []
    const tracker = createExposureTracker({ destinations: [recorder('segment', sent)] })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a'])
  })

  test('every destination’s deliveries are restored: neither re-sends after a reload', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const page = () =>
      createExposureTracker({
        destinations: [recorder('segment', sent), recorder('heap', sent)],
        storage: session,
      })
    const first = page()
    first.identify(ADA)
    first.record(exposure('a', ADA))
    await persisted()
    const reloaded = page()
    reloaded.identify(ADA)
    reloaded.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a', 'heap user-ada a'])
    expect(reloaded.stats.deduplicated).toBe(1)
  })

  test('what was still waiting (not delivered) is sent again after a reload', async () => {
    const session = tabStorage()
    const sent: string[] = []
    let ready = false
    const slow: AnalyticsDestination = {
      ...recorder('segment', sent),
      state: () => ({ status: ready ? 'ready' : 'loading' }),
    }
    const first = createExposureTracker({ destinations: [slow], storage: session })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    await persisted()
    expect(sent).toEqual([])
    ready = true
    const reloaded = createExposureTracker({ destinations: [slow], storage: session })
    reloaded.identify(ADA)
    reloaded.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a'])
  })

  test('a visitor who was sent nothing takes no room in the tab’s storage', async () => {
    const session = tabStorage()
    const tracker = createExposureTracker({ destinations: [recorder('segment', [])], storage: session })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    await persisted()
    tracker.identify(BOB)
    await persisted()
    tracker.identify(CAROL)
    await persisted()
    tracker.identify(undefined)
    await persisted()
    expect([...session.data.keys()].sort()).toEqual([
      'flagbridge:exposures',
      'flagbridge:exposures:"user-ada"',
    ])
  })

  test('identities switched through without a delivery write nothing', async () => {
    const session = tabStorage()
    const tracker = createExposureTracker({ destinations: [recorder('segment', [])], storage: session })
    tracker.identify(ADA)
    tracker.identify(BOB)
    tracker.identify(undefined)
    await persisted()
    expect(session.data.size).toBe(0)
  })

  test('a stored ledger that is not one (another version, tampering) is ignored and replaced', async () => {
    const session = tabStorage()
    session.setItem('flagbridge:exposures:"user-ada"', JSON.stringify({ v: 2, delivered: 'garbage' }))
    session.setItem('flagbridge:exposures', '{not json')
    const sent: string[] = []
    const first = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    await persisted()
    const reloaded = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    reloaded.identify(ADA)
    reloaded.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a'])
    expect(JSON.parse(session.getItem('flagbridge:exposures')!)).toEqual(['flagbridge:exposures:"user-ada"'])
  })

  test('a damaged destination entry does not cost the others theirs; non-keys are skipped', () => {
    const session = tabStorage()
    session.setItem(
      'flagbridge:exposures:"user-ada"',
      JSON.stringify({ v: 2, delivered: { segment: 'garbage', heap: [42, 'k'] } }),
    )
    const ledger = createExposureLedger({ storage: session })
    ledger.setIdentity('user-ada', ['segment', 'heap'])
    expect(ledger.taken('k')).toBe(0b10)
    expect(ledger.size()).toBe(1)
  })

  test('storage is bounded by maxEntries: the oldest deliveries are forgotten, the newest kept', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const page = () =>
      createExposureTracker({
        destinations: [recorder('segment', sent)],
        storage: session,
        maxLedgerEntries: 3,
      })
    const first = page()
    first.identify(ADA)
    for (const key of ['a', 'b', 'c']) first.record(exposure(key, ADA))
    await persisted()
    // The next page adds two: what it writes merges with what is stored, within the bound.
    const second = page()
    second.identify(ADA)
    for (const key of ['d', 'e']) second.record(exposure(key, ADA))
    await persisted()
    // A later page that could remember more still only finds the 3 newest.
    const ledger = createExposureLedger({ storage: session, maxEntries: 100 })
    ledger.setIdentity('user-ada', ['segment'])
    expect(ledger.size()).toBe(3)
    sent.length = 0
    const third = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    third.identify(ADA)
    for (const key of ['a', 'b', 'c', 'd', 'e']) third.record(exposure(key, ADA))
    expect(sent).toEqual(['segment user-ada a', 'segment user-ada b'])
  })

  test('a ledger that can hold fewer keys than were stored loads only the newest', () => {
    const session = tabStorage()
    session.setItem(
      'flagbridge:exposures:"user-ada"',
      JSON.stringify({ v: 2, delivered: { segment: ['k1', 'k2', 'k3', 'k4', 'k5'] } }),
    )
    const ledger = createExposureLedger({ storage: session, maxEntries: 2 })
    ledger.setIdentity('user-ada', ['segment'])
    expect(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => ledger.taken(key))).toEqual([0, 0, 0, 1, 1])
  })

  test('a restored ledger holds exactly the delivered exposures', async () => {
    const session = tabStorage()
    const first = createExposureTracker({ destinations: [recorder('segment', [])], storage: session })
    first.identify(ADA)
    first.record(exposure('a', ADA))
    first.record(exposure('b', ADA))
    await persisted()
    const ledger = createExposureLedger({ storage: session })
    ledger.setIdentity('user-ada', ['segment'])
    expect(ledger.size()).toBe(2)
  })
})

describe('identities in the tab’s storage', () => {
  test('a → b → a with room for two: a’s ledger is the most recent, so it is kept', async () => {
    const session = tabStorage()
    const ledger = createExposureLedger({ storage: session, maxIdentities: 2 })
    for (const who of ['user-ada', 'user-bob', 'user-ada']) {
      ledger.setIdentity(who, ['segment'])
      ledger.take(`${who} x`, 0)
      ledger.delivered(`${who} x`, 'segment')
      await persisted()
    }
    const reloaded = createExposureLedger({ storage: session, maxIdentities: 2 })
    reloaded.setIdentity('user-ada', ['segment'])
    expect(reloaded.taken('user-ada x')).toBe(1)
    reloaded.setIdentity('user-bob', ['segment'])
    expect(reloaded.taken('user-bob x')).toBe(1)
    expect(JSON.parse(session.getItem('flagbridge:exposures')!)).toEqual([
      'flagbridge:exposures:"user-bob"',
      'flagbridge:exposures:"user-ada"',
    ])
  })

  test('a Storage without removeItem: forgotten identities are emptied, the list stays bounded', async () => {
    const session = tabStorage({ removeItem: false })
    const tracker = createExposureTracker({ destinations: [recorder('segment', [])], storage: session })
    for (let index = 0; index < 25; index++) {
      tracker.identify({ id: `user-${index}` })
      tracker.record(exposure('x', { id: `user-${index}` }))
      await persisted()
    }
    const kept = [...session.data].filter(([key, value]) => key !== 'flagbridge:exposures' && value !== '')
    expect(kept).toHaveLength(20)
    expect(session.getItem('flagbridge:exposures:"user-4"')).toBe('')
    expect(session.getItem('flagbridge:exposures:"user-5"')).not.toBe('')
    expect(JSON.parse(session.getItem('flagbridge:exposures')!)).toHaveLength(20)
  })

  test('deliveries before any identity is known are not stored under a made-up one', async () => {
    const session = tabStorage()
    const ledger = createExposureLedger({ storage: session })
    ledger.take('k', 0)
    ledger.delivered('k', 'segment')
    await persisted()
    expect(session.data.size).toBe(0)
  })

  test("'page' scope never touches storage, even when given one", async () => {
    const session = tabStorage()
    const tracker = createExposureTracker({
      destinations: [recorder('segment', [])],
      dedupe: 'page',
      storage: session,
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    await persisted()
    expect(session.data.size).toBe(0)
  })
})

describe('taken, released, remembered', () => {
  test('a send that failed for one destination is retried for it alone, never re-sent to the other', async () => {
    const sent: string[] = []
    let refuse = true
    const tracker = createExposureTracker({
      destinations: [recorder('segment', sent), recorder('heap', sent, () => refuse)],
      dedupe: 'page',
    })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    await vi.waitFor(() => expect(tracker.stats.failed).toBe(1))
    refuse = false
    tracker.record(exposure('a', ADA))
    tracker.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a', 'heap user-ada a'])
    // Sent: Ada's identify to each, then the exposure to each once.
    expect(tracker.stats).toMatchObject({ recorded: 3, sent: 4, failed: 1, deduplicated: 1 })
  })

  test('a key released by every destination is forgotten', () => {
    const ledger = createExposureLedger({ scope: 'page' })
    ledger.setIdentity('user-ada', ['segment', 'heap'])
    ledger.take('k', 0)
    ledger.take('k', 1)
    ledger.release('k', 1)
    expect([ledger.taken('k'), ledger.size()]).toEqual([0b01, 1])
    ledger.release('k', 0)
    expect([ledger.taken('k'), ledger.size()]).toEqual([0, 0])
  })

  test('at capacity, a second destination taking a known key forgets nothing', () => {
    const sent: string[] = []
    const tracker = createExposureTracker({
      destinations: [recorder('segment', sent), recorder('heap', sent)],
      dedupe: 'page',
      maxLedgerEntries: 2,
    })
    tracker.identify(ADA)
    for (const key of ['a', 'b', 'c', 'b', 'c']) tracker.record(exposure(key, ADA))
    expect(sent).toEqual([
      'segment user-ada a',
      'heap user-ada a',
      'segment user-ada b',
      'heap user-ada b',
      'segment user-ada c',
      'heap user-ada c',
    ])
  })

  test('new attributes for the same user keep what was already sent to them', () => {
    const sent: string[] = []
    const tracker = createExposureTracker({ destinations: [recorder('segment', sent)], dedupe: 'page' })
    tracker.identify(ADA)
    tracker.record(exposure('a', ADA))
    tracker.identify({ ...ADA, attributes: { plan: 'pro' } })
    tracker.record(exposure('a', { ...ADA, attributes: { plan: 'pro' } }))
    expect(sent).toEqual(['segment user-ada a'])
  })

  test('createExposureLedger() alone keeps a session ledger in sessionStorage', async () => {
    const ledger = createExposureLedger()
    expect(ledger.scope).toBe('session')
    ledger.setIdentity('user-ada', ['segment'])
    ledger.take('k', 0)
    ledger.delivered('k', 'segment')
    await persisted()
    const reloaded = createExposureLedger()
    reloaded.setIdentity('user-ada', ['segment'])
    expect(reloaded.taken('k')).toBe(1)
  })
})

describe('the session ledger across the providers of one tab', () => {
  /** A ready destination whose deliveries settle only when told to (Segment still delivering). */
  function delivering(sent: string[]) {
    const pending: Array<{ settle: (ok: boolean) => void }> = []
    const destination: AnalyticsDestination = {
      ...recorder('segment', sent),
      send: (call) => {
        if (call.kind !== 'track') return
        sent.push(`segment ${call.exposure.user?.id ?? 'anonymous'} ${call.exposure.key}`)
        return new Promise<void>((resolve, reject) =>
          pending.push({ settle: (ok) => (ok ? resolve() : reject(new Error('Segment gave up'))) }),
        )
      },
    }
    const settle = (ok: boolean) => {
      for (const call of pending.splice(0)) call.settle(ok)
    }
    return { destination, settle }
  }

  test('an exposure one provider handed over is not handed over by another while it is delivered, nor after', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const segment = delivering(sent)
    const app = createExposureTracker({ destinations: [segment.destination], storage: session })
    const widget = createExposureTracker({ destinations: [segment.destination], storage: session })
    app.identify(ADA)
    widget.identify(ADA)
    app.record(exposure('a', ADA))
    // Queued by both at once: the widget's call finds the app's being delivered.
    widget.record(exposure('a', ADA))
    app.record(exposure('b', ADA))
    segment.settle(true)
    await persisted()
    await persisted()
    // Recorded after the app's was delivered and stored (the widget's ledger began before).
    widget.record(exposure('b', ADA))
    expect(sent).toEqual(['segment user-ada a', 'segment user-ada b'])
    // The widget sent its identify only.
    expect(widget.stats).toMatchObject({ recorded: 2, deduplicated: 2, sent: 1 })
  })

  test('a burst of first exposures reads the stored ledger once, not once per exposure', async () => {
    const session = tabStorage()
    const reads: string[] = []
    const getItem = session.getItem
    session.getItem = (key) => {
      reads.push(key)
      return getItem(key)
    }
    const sent: string[] = []
    const tracker = createExposureTracker({ destinations: [recorder('segment', sent)], storage: session })
    tracker.identify(ADA)
    reads.length = 0
    for (let index = 0; index < 100; index++) tracker.record(exposure(`flag-${index}`, ADA))
    expect(sent).toHaveLength(100)
    expect(reads.filter((key) => key === 'flagbridge:exposures:"user-ada"')).toEqual([
      'flagbridge:exposures:"user-ada"',
    ])
    await persisted()
  })

  test('one that failed is forgotten: a provider recording it afterwards sends it', async () => {
    const session = tabStorage()
    const sent: string[] = []
    const segment = delivering(sent)
    const app = createExposureTracker({ destinations: [segment.destination], storage: session })
    app.identify(ADA)
    app.record(exposure('a', ADA))
    segment.settle(false)
    await persisted()
    await persisted()
    const remounted = createExposureTracker({ destinations: [segment.destination], storage: session })
    remounted.identify(ADA)
    remounted.record(exposure('a', ADA))
    expect(sent).toEqual(['segment user-ada a', 'segment user-ada a'])
  })

  test("with dedupe 'page' each provider has its own ledger: both send", () => {
    const session = tabStorage()
    const sent: string[] = []
    const segment = delivering(sent)
    for (const _provider of [1, 2]) {
      const tracker = createExposureTracker({
        destinations: [segment.destination],
        storage: session,
        dedupe: 'page',
      })
      tracker.identify(ADA)
      tracker.record(exposure('a', ADA))
    }
    expect(sent).toEqual(['segment user-ada a', 'segment user-ada a'])
  })
})
