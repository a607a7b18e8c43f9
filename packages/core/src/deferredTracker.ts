import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { EventLog } from './eventLog'
import type { ExposureTracker } from './exposureTracker'

/** Calls kept at most while the tracker's code loads; beyond it the oldest exposure is dropped. */
const MAX_WAITING = 1_000

const NO_STATS: ExposureTracker['stats'] = { recorded: 0, deduplicated: 0, sent: 0, failed: 0, dropped: 0 }

/**
 * Stands in for the exposure tracker while its code loads, so the tracking half of FlagBridge
 * (ledger, payloads, Segment and Heap) stays off a page's critical path: exposures happen after
 * commit and wait for Segment and Heap anyway. Loading starts at the first `connect()` (never in a
 * render); every call made before is kept, bounded and in order, and replayed once it is there.
 * A load that fails is reported and retried at the next `connect()`.
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
}): ExposureTracker {
  let tracker: ExposureTracker | undefined
  let loading = false
  let connected = false
  let disposed = false
  let consent = options.consent
  let overflowReported = false
  let onError: ((error: FlagBridgeError) => void) | undefined = options.onError
  const waiting: Array<{ record: boolean; apply: (tracker: ExposureTracker) => void }> = []
  const destinationListeners = new Set<() => void>()
  const detachers = new Map<() => void, () => void>()

  const report = (error: FlagBridgeError) => {
    try {
      onError?.(error)
    } catch {}
  }
  const call = (apply: (tracker: ExposureTracker) => void, record = false) => {
    if (tracker) return apply(tracker)
    waiting.push({ record, apply })
    if (waiting.length <= MAX_WAITING) return
    // Identity calls keep their place: losing one would attribute later events to the wrong user.
    const oldest = waiting.findIndex((item) => item.record)
    if (oldest >= 0) waiting.splice(oldest, 1)
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
    // Connected first, so what waited flows straight through instead of filling its queues.
    if (connected) loaded.connect()
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
    identify: (...args) => call((loaded) => loaded.identify(...args)),
    user: () => tracker?.user(),
    link: (launchDarklyKey) => call((loaded) => loaded.link(launchDarklyKey)),
    record: (exposure, exposures) => call((loaded) => loaded.record(exposure, exposures), true),
    setConsent(next) {
      consent = next
      call((loaded) => loaded.setConsent(next))
    },
    consent: () => (tracker ? tracker.consent() : consent),
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
      tracker?.disconnect()
    },
    dispose() {
      disposed = true
      connected = false
      waiting.length = 0
      tracker?.dispose()
    },
  }
}
