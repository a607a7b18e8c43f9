import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { EventLog } from './eventLog'
import type { DedupeScope } from './exposureLedger'
import type { ExposureTracker } from './exposureTracker'
import { exposureKey } from './toExposure'

/** Calls kept at most while the tracker's code loads; beyond it the oldest exposure is dropped. */
const MAX_WAITING = 1_000
const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 30_000

const NO_STATS: ExposureTracker['stats'] = { recorded: 0, deduplicated: 0, sent: 0, failed: 0, dropped: 0 }

/**
 * Stands in for the exposure tracker while its code loads, so the tracking half of FlagBridge
 * (ledger, payloads, Segment and Heap) stays off a page's critical path: exposures happen after
 * commit and wait for Segment and Heap anyway. Loading starts at the first `connect()` (never in a
 * render); every call made before is kept, bounded and in order (an exposure read again waits
 * once), and replayed once it is there. A load that fails is reported and retried with backoff
 * (1 s, doubling to 30 s) while connected.
 *
 * @example
 * const tracker = createDeferredTracker({
 *   load: () => import('./tracking').then((module) => module.createTracker(settings)),
 *   log,
 *   consent: true,
 *   onError: report,
 * })
 * tracker.record(exposure) // kept until the tracker has loaded, then sent through it
 */
export function createDeferredTracker(options: {
  load: () => Promise<ExposureTracker>
  log: EventLog
  consent: boolean
  onError: (error: FlagBridgeError) => void
  /** `tracking.dedupe`: with `'none'` every read is sent, so repeated reads all wait. */
  dedupe?: DedupeScope | undefined
}): ExposureTracker {
  let tracker: ExposureTracker | undefined
  let loading = false
  let connected = false
  let disposed = false
  let consent = options.consent
  let overflowReported = false
  let onError: ((error: FlagBridgeError) => void) | undefined = options.onError
  /** `key`: an exposure's (with its scope), so a repeated read waits once; `record`: an exposure. */
  const waiting: Array<{
    record: boolean
    key: string | undefined
    apply: (tracker: ExposureTracker) => void
  }> = []
  const waitingKeys = new Set<string>()
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retries = 0
  const destinationListeners = new Set<() => void>()
  const detachers = new Map<() => void, () => void>()

  const report = (error: FlagBridgeError) => {
    try {
      onError?.(error)
    } catch {}
  }
  const call = (apply: (tracker: ExposureTracker) => void, record = false, key?: string) => {
    if (tracker) return apply(tracker)
    if (key !== undefined) {
      // The tracker would deduplicate it anyway: a flag read again while loading waits once.
      if (waitingKeys.has(key)) return
      waitingKeys.add(key)
    }
    waiting.push({ record, key, apply })
    if (waiting.length <= MAX_WAITING) return
    // Identity calls keep their place: losing one would attribute later events to the wrong user.
    const oldest = waiting.findIndex((item) => item.record)
    if (oldest >= 0) {
      const [dropped] = waiting.splice(oldest, 1)
      if (dropped!.key !== undefined) waitingKeys.delete(dropped!.key)
    }
    if (!overflowReported) {
      overflowReported = true
      report(
        new FlagBridgeError(
          'QUEUE_OVERFLOW',
          process.env.NODE_ENV !== 'production'
            ? `The tracking code has not loaded and ${MAX_WAITING} calls are waiting: the oldest exposures are dropped.`
            : 'tracking not loaded: exposures dropped',
        ),
      )
    }
  }

  const attach = (loaded: ExposureTracker) => {
    if (disposed) return loaded.dispose()
    tracker = loaded
    loaded.setOnError(onError)
    for (const listener of destinationListeners)
      detachers.set(listener, loaded.subscribeDestinations(listener))
    // Consent as it is now, before anything is connected or replayed: one withdrawn while the code
    // loaded holds every call that waited (nothing is loaded from or sent to a tool after withdrawal).
    loaded.setConsent(consent)
    // Connected first, so what waited flows straight through instead of filling its queues.
    if (connected) loaded.connect()
    waitingKeys.clear()
    for (const item of waiting.splice(0)) item.apply(loaded)
    for (const listener of destinationListeners) listener()
  }
  const load = () => {
    if (tracker || loading) return
    loading = true
    let pending: Promise<ExposureTracker>
    try {
      pending = options.load()
    } catch (cause) {
      pending = Promise.reject(cause)
    }
    pending.then(attach, (cause: unknown) => {
      loading = false
      report(toFlagBridgeError('DESTINATION_ERROR', 'FlagBridge tracking could not load', cause))
      // A chunk that failed (offline, a deploy replaced it) is asked for again: 1 s, 2 s, … 30 s.
      if (connected && !disposed)
        retryTimer = setTimeout(load, Math.min(FIRST_RETRY_MS * 2 ** retries++, MAX_RETRY_MS))
    })
  }

  return {
    log: options.log,
    get stats() {
      return tracker ? tracker.stats : NO_STATS
    },
    get destinations() {
      return tracker ? tracker.destinations : []
    },
    identify(...args) {
      // Signed out: the tools start a new anonymous visitor, for whom an earlier anonymous read is new
      // (a signed-in user's read waiting twice is deduplicated by the tracker's ledger).
      if (!args[0]) waitingKeys.clear()
      call((loaded) => loaded.identify(...args))
    },
    user: () => tracker?.user(),
    link: (launchDarklyKey) => call((loaded) => loaded.link(launchDarklyKey)),
    record: (exposure, exposures) =>
      call(
        (loaded) => loaded.record(exposure, exposures),
        true,
        options.dedupe === 'none' ? undefined : `${exposureKey(exposure)}\u0001${exposures ?? ''}`,
      ),
    setConsent(next) {
      // A state, not a call to replay: what waited is sent only if consent is still given when the code arrives.
      consent = next
      tracker?.setConsent(next)
    },
    // The loaded tracker is always told this value (attach, setConsent).
    consent: () => consent,
    pending: () => (tracker ? tracker.pending() : {}),
    flush: () => tracker?.flush(),
    setOnError(handler) {
      onError = handler
      tracker?.setOnError(handler)
    },
    subscribeDestinations(listener) {
      destinationListeners.add(listener)
      if (tracker) detachers.set(listener, tracker.subscribeDestinations(listener))
      return () => {
        destinationListeners.delete(listener)
        detachers.get(listener)?.()
        detachers.delete(listener)
      }
    },
    connect() {
      connected = true
      if (tracker) tracker.connect()
      else load()
    },
    disconnect() {
      connected = false
      clearTimeout(retryTimer)
      tracker?.disconnect()
    },
    dispose() {
      disposed = true
      connected = false
      clearTimeout(retryTimer)
      waiting.length = 0
      waitingKeys.clear()
      tracker?.dispose()
    },
  }
}
