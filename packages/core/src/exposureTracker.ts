import type { AnalyticsDestination, DestinationCall } from './destination'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import { createEventLog, type EventLog, type EventLogEntry } from './eventLog'
import { type Exposure, exposureKey } from './exposure'
import { createExposureLedger, type DedupeScope, type LedgerStorage } from './exposureLedger'
import { type FlagBridgeUser, isSameUser } from './user'

export interface ExposureTrackerOptions {
  destinations: readonly AnalyticsDestination[]
  /** `session` (default): once per tab and identity; `page`: once per page load; `none`: every exposure. */
  dedupe?: DedupeScope
  /** While `false`, every call waits in the queue; it is sent when consent turns `true`. Default `true`. */
  consent?: boolean
  /** Calls waiting per destination at most; beyond it the oldest exposure is dropped and reported. Default 500. */
  maxQueueSize?: number
  /** Exposures of locally overridden values are sent only when this is `true`. */
  trackOverrides?: boolean
  storage?: LedgerStorage | undefined
  maxLedgerEntries?: number
  eventLog?: EventLog
  onError?: (error: FlagBridgeError) => void
  /** Start sending at once (default). With `false`, calls wait until `connect()`: React connects after commit. */
  autoConnect?: boolean
}

/** Ledger bit (beside the destinations' bits) marking that a duplicate was logged. */
const DUPLICATE_LOGGED = 30
/** How long an identify or reset, or the events after it, wait for the sends before them to settle. */
const IDENTITY_WAIT_MS = 3_000

interface QueuedCall {
  call: DestinationCall
  key: string | undefined
  entry: EventLogEntry
}

/**
 * The exposure pipeline: dedup ledger → consent gate → one bounded, ordered queue per
 * destination → the destination. Nothing here throws into the caller: destination
 * failures are logged and reported through `onError`.
 *
 * @example
 * const tracker = createExposureTracker({ destinations: [createSegmentDestination(analytics)] })
 * tracker.identify({ id: 'user-1' })
 * tracker.record(exposure) // sent once per session, after identify
 */
export function createExposureTracker(options: ExposureTrackerOptions) {
  const { destinations, dedupe = 'session', maxQueueSize = 500, trackOverrides = false } = options
  const log = options.eventLog ?? createEventLog()
  const ledger = createExposureLedger({
    scope: dedupe,
    storage: options.storage,
    maxEntries: options.maxLedgerEntries,
  })
  const names = destinations.map((destination) => destination.name)
  const everyDestination = (1 << destinations.length) - 1
  const queues: QueuedCall[][] = destinations.map(() => [])
  const stats = { recorded: 0, deduplicated: 0, sent: 0, failed: 0, dropped: 0 }
  let consent = options.consent ?? true
  let user: FlagBridgeUser | undefined
  let identified = false
  let onError = options.onError

  const report = (error: FlagBridgeError) => {
    try {
      onError?.(error)
    } catch {}
  }

  // Sends still under way per destination (all, and identify/reset alone), and whether a call held
  // back by them may stop waiting.
  const inFlight = destinations.map(() => 0)
  const identityInFlight = destinations.map(() => 0)
  const barrierWait: Array<ReturnType<typeof setTimeout> | 'expired' | undefined> = destinations.map(
    () => undefined,
  )

  const flush = (index: number) => {
    const destination = destinations[index]!
    const queue = queues[index]!
    while (connected && consent && queue.length > 0 && isReady(index, destination)) {
      const item = queue[0]!
      // An identify or reset is a barrier: it leaves once earlier events have left (analytics-next
      // stamps the current user on an event as it leaves), and later events leave once it has
      // arrived (so a user's identify reaches the tool before their first exposure). Bounded: a
      // send that never settles holds the queue for IDENTITY_WAIT_MS at most.
      const waitFor = item.call.kind === 'track' ? identityInFlight[index]! : inFlight[index]!
      if (waitFor > 0 && barrierWait[index] !== 'expired') {
        barrierWait[index] ??= setTimeout(() => {
          barrierWait[index] = 'expired'
          flush(index)
        }, IDENTITY_WAIT_MS)
        return
      }
      if (barrierWait[index] !== undefined) {
        clearTimeout(barrierWait[index] as ReturnType<typeof setTimeout> | undefined)
        barrierWait[index] = undefined
      }
      queue.shift()
      deliver(index, destination, item)
    }
  }

  const isReady = (index: number, destination: AnalyticsDestination) => {
    try {
      return destination.state().status === 'ready'
    } catch (cause) {
      // A destination whose state() throws is not ready: its calls wait (bounded) and each check is reported.
      report(toFlagBridgeError('DESTINATION_ERROR', `${names[index]} state() failed`, cause))
      return false
    }
  }

  const deliver = (index: number, destination: AnalyticsDestination, item: QueuedCall) => {
    const succeed = () => {
      stats.sent++
      log.update(item.entry, { status: 'sent' })
      if (item.key) ledger.delivered(item.key, destination.name)
    }
    const fail = (cause: unknown) => {
      stats.failed++
      const error = toFlagBridgeError(
        'DESTINATION_ERROR',
        `${destination.name} ${item.entry.name} failed`,
        cause,
      )
      log.update(item.entry, { status: 'failed', error })
      if (item.key) ledger.release(item.key, index)
      report(error)
    }
    try {
      const result = destination.send(item.call) as PromiseLike<unknown> | undefined
      if (typeof result?.then !== 'function') return succeed()
      const identity = item.call.kind !== 'track'
      inFlight[index]!++
      if (identity) identityInFlight[index]!++
      const settle = (outcome: () => void) => {
        inFlight[index]!--
        if (identity) identityInFlight[index]!--
        outcome()
        flush(index)
      }
      result.then(
        () => settle(succeed),
        (cause) => settle(() => fail(cause)),
      )
    } catch (cause) {
      fail(cause)
    }
  }

  /** What the event log shows for a call; a destination that can't say is reported (once per call sent). */
  const describe = (destination: AnalyticsDestination, call: DestinationCall, reportFailure: boolean) => {
    try {
      return { destination: destination.name, ...destination.describe(call) }
    } catch (cause) {
      if (reportFailure)
        report(
          toFlagBridgeError(
            'DESTINATION_ERROR',
            `${destination.name} could not describe ${call.kind}`,
            cause,
          ),
        )
      return { destination: destination.name, name: call.kind, payload: undefined }
    }
  }

  const enqueue = (index: number, call: DestinationCall, key: string | undefined) => {
    const destination = destinations[index]!
    const queue = queues[index]!
    const entry = log.add({
      ...describe(destination, call, true),
      flagKey: call.kind === 'track' ? call.exposure.key : undefined,
      status: consent ? 'queued' : 'waiting-for-consent',
      error: undefined,
    })
    queue.push({ call, key, entry })
    if (queue.length > maxQueueSize) dropOldestExposure(index, queue)
    flush(index)
  }

  const dropOldestExposure = (index: number, queue: QueuedCall[]) => {
    // Identity calls keep their place: losing one would attribute later events to the wrong user.
    const position = queue.findIndex((item) => item.call.kind === 'track')
    if (position < 0) return
    const [dropped] = queue.splice(position, 1)
    stats.dropped++
    const error = new FlagBridgeError(
      'QUEUE_OVERFLOW',
      `${destinations[index]!.name} is not ready and ${maxQueueSize} calls are already waiting: the oldest exposure was dropped. Is it blocked? Else raise tracking.maxQueueSize.`,
    )
    log.update(dropped!.entry, { status: 'dropped', error })
    if (dropped!.key) ledger.release(dropped!.key, index)
    report(error)
  }

  const logDuplicate = (key: string, exposure: Exposure) => {
    ledger.take(key, DUPLICATE_LOGGED)
    for (const destination of destinations) {
      log.add({
        ...describe(destination, { kind: 'track', exposure }, false),
        flagKey: exposure.key,
        status: 'deduplicated',
        error: undefined,
      })
    }
  }

  let connected = false
  let unsubscribes: Array<() => void> = []
  const connect = () => {
    if (connected) return
    connected = true
    unsubscribes = destinations.map((destination, index) => {
      try {
        return destination.subscribe(() => flush(index))
      } catch (cause) {
        report(toFlagBridgeError('DESTINATION_ERROR', `${destination.name} could not be watched`, cause))
        return () => {}
      }
    })
    for (let index = 0; index < destinations.length; index++) flush(index)
  }
  const disconnect = () => {
    connected = false
    for (const unsubscribe of unsubscribes) unsubscribe()
    unsubscribes = []
    barrierWait.forEach((timer, index) => {
      if (timer !== 'expired') clearTimeout(timer)
      barrierWait[index] = undefined
    })
  }
  if (options.autoConnect !== false) connect()

  /**
   * Tells every destination who the user is, once per change of identity: sign-in
   * identifies, sign-out resets, a switch resets then identifies. Queued before any
   * exposure of the new identity, so it always arrives first.
   */
  function identify(next: FlagBridgeUser | undefined) {
    if (identified && isSameUser(user, next)) return
    const previous = user
    const wasIdentified = identified
    user = next
    identified = true
    ledger.setIdentity(next ? next.id : null, names)
    destinations.forEach((_, index) => {
      if (wasIdentified && previous && previous.id !== next?.id) enqueue(index, { kind: 'reset' }, undefined)
      if (next && (previous?.id !== next.id || !isSameUser(previous, next)))
        enqueue(index, { kind: 'identify', user: next }, undefined)
    })
  }

  return {
    log,
    stats,
    destinations,
    identify,
    user: () => user,
    /** Sends an exposure to every destination that hasn't taken it yet. Never throws. */
    record(exposure: Exposure): void {
      if (exposure.overridden && !trackOverrides) return
      if (!identified) identify(exposure.user)
      stats.recorded++
      if (dedupe === 'none') {
        for (let index = 0; index < destinations.length; index++)
          enqueue(index, { kind: 'track', exposure }, undefined)
        return
      }
      const key = exposureKey(exposure)
      const taken = ledger.taken(key)
      if ((taken & everyDestination) === everyDestination) {
        stats.deduplicated++
        // The event log shows the first duplicate of each exposure, not every re-render.
        if (!(taken & (1 << DUPLICATE_LOGGED))) logDuplicate(key, exposure)
        return
      }
      for (let index = 0; index < destinations.length; index++) {
        if (taken & (1 << index)) continue
        ledger.take(key, index)
        enqueue(index, { kind: 'track', exposure }, key)
      }
    },
    /** Opens or closes the consent gate; opening flushes everything that waited, in order. */
    setConsent(next: boolean) {
      if (consent === next) return
      consent = next
      queues.forEach((queue, index) => {
        for (const item of queue)
          item.entry = log.update(item.entry, { status: next ? 'queued' : 'waiting-for-consent' })
        flush(index)
      })
    },
    consent: () => consent,
    /** Calls waiting per destination. */
    pending: () => Object.fromEntries(names.map((name, index) => [name, queues[index]!.length])),
    flush() {
      for (let index = 0; index < destinations.length; index++) flush(index)
    },
    setOnError(handler: ((error: FlagBridgeError) => void) | undefined) {
      onError = handler
    },
    /** Starts watching destinations and sending; idempotent. */
    connect,
    /** Stops sending (calls keep waiting in the queues) until `connect()`. */
    disconnect,
    dispose() {
      disconnect()
      for (const destination of destinations) {
        try {
          destination.dispose?.()
        } catch (cause) {
          report(toFlagBridgeError('DESTINATION_ERROR', `${destination.name} could not be disposed`, cause))
        }
      }
    },
  }
}

export type ExposureTracker = ReturnType<typeof createExposureTracker>
