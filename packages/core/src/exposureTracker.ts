import type { AnalyticsDestination, DestinationCall } from './destination'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import { createEventLog, type EventLog, type EventLogEntry, type EventStatus } from './eventLog'
import type { ExposureEventName } from './experimentViewed'
import { EXPOSURE_EVENT, type Exposure } from './exposure'
import { createExposureLedger, type DedupeScope, type LedgerStorage } from './exposureLedger'
import { exposureKey } from './toExposure'
import { type FlagBridgeUser, isSameUser } from './user'

export interface ExposureTrackerOptions {
  destinations: readonly AnalyticsDestination[]
  /** `session` (default): once per tab and identity; `page`: once per page load; `none`: every exposure. */
  dedupe?: DedupeScope
  /**
   * While `false`, every call waits in the queue and no destination is loaded; consent turning
   * `true` loads them and sends what waited, in order. Default `true`.
   */
  consent?: boolean
  /** Calls waiting per destination at most; beyond it the oldest exposure is dropped and reported. Default 500. */
  maxQueueSize?: number
  /** Exposures of locally overridden values are sent only when this is `true`. */
  trackOverrides?: boolean
  /** `'experiments'`: only exposures the vendor served in an experiment are sent. Default `'all'`. */
  exposures?: ExposureScope
  /** The events each exposure is sent as, in order. Default `['Feature Flag Evaluated']`. */
  exposureEvents?: readonly ExposureEventName[]
  storage?: LedgerStorage | undefined
  maxLedgerEntries?: number
  eventLog?: EventLog
  onError?: (error: FlagBridgeError) => void
  /** Start sending at once (default). With `false`, calls wait until `connect()`: React connects after commit. */
  autoConnect?: boolean
}

/** Which exposures are sent: every one, or only those served in an experiment. */
export type ExposureScope = 'all' | 'experiments'

/** Ledger bit (beside the destinations' bits) marking that a duplicate was logged. */
const DUPLICATE_LOGGED = 30
const noop = () => {}

interface QueuedCall {
  call: DestinationCall
  /** The identity the call belongs to, so the tool is reconciled with the right one. */
  user: FlagBridgeUser | undefined
  /** Which of FlagBridge's identities (counted from 0) it was queued under. */
  identity: number
  key: string | undefined
  entry: EventLogEntry
}

/** One destination's side of the pipeline: its calls waiting, in order. */
interface Outbox {
  index: number
  destination: AnalyticsDestination
  queue: QueuedCall[]
  /** The tool's persisted identity has been checked against FlagBridge's on this page. */
  reconciled: boolean
  /** `destination.load()` was called (once connected with consent). */
  loaded: boolean
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function'
}

/**
 * The exposure pipeline: dedup ledger → consent gate → one bounded, ordered queue per
 * destination → the destination. Nothing here throws into the caller: destination
 * failures are logged and reported through `onError`.
 *
 * Calls leave in the order they were made, without waiting for earlier ones to settle: both
 * tools stamp identity when a call is made, not when its request leaves. analytics-next's
 * EventFactory adds `userId`/`anonymousId` as it builds the event inside `track()`, and
 * `identify()`/`reset()` change its stored user synchronously (analytics-core
 * `events/index.ts` `addIdentity`, analytics-next `core/user`); heap.js, and the snippet that
 * replays calls in order, apply `identify`/`resetIdentity` before the next call.
 *
 * @example
 * const tracker = createExposureTracker({ destinations: [createSegmentDestination(analytics)] })
 * tracker.identify({ id: 'user-1' })
 * tracker.record(exposure) // sent once per session, after identify
 */
export function createExposureTracker(options: ExposureTrackerOptions) {
  const { destinations, dedupe = 'session', maxQueueSize = 500, trackOverrides = false } = options
  const { exposures: scope = 'all', exposureEvents = [EXPOSURE_EVENT] } = options
  const log = options.eventLog ?? createEventLog()
  const ledger = createExposureLedger({
    scope: dedupe,
    storage: options.storage,
    maxEntries: options.maxLedgerEntries,
  })
  const names = destinations.map((destination) => destination.name)
  const everyDestination = (1 << destinations.length) - 1
  const outboxes: Outbox[] = destinations.map((destination, index) => ({
    index,
    destination,
    queue: [],
    reconciled: false,
    loaded: false,
  }))
  const stats = { recorded: 0, deduplicated: 0, sent: 0, failed: 0, dropped: 0 }
  let consent = options.consent ?? true
  let user: FlagBridgeUser | undefined
  let identified = false
  /** Increases with every change of identity. */
  let identity = 0
  let connected = false
  let onError = options.onError

  const report = (error: FlagBridgeError) => {
    try {
      onError?.(error)
    } catch {}
  }
  const destinationError = (outbox: Outbox, what: string, cause: unknown) =>
    toFlagBridgeError('DESTINATION_ERROR', `${outbox.destination.name} ${what}`, cause)

  const isReady = (outbox: Outbox) => {
    try {
      return outbox.destination.state().status === 'ready'
    } catch (cause) {
      // A destination whose state() throws is not ready: its calls wait (bounded) and each check is reported.
      report(destinationError(outbox, 'state() failed', cause))
      return false
    }
  }

  /** Nothing is loaded from a tool before consent: the first open gate starts it, once. */
  const load = (outbox: Outbox) => {
    if (outbox.loaded) return
    outbox.loaded = true
    try {
      outbox.destination.load?.()
    } catch (cause) {
      report(destinationError(outbox, 'could not load', cause))
    }
  }

  const flush = (outbox: Outbox) => {
    if (!connected || !consent) return
    // note: load() may make the destination ready and call its listener (this flush) at once.
    load(outbox)
    if (!isReady(outbox)) return
    reconcile(outbox)
    // A call may close the gate (consent, disconnect) from inside a destination's listener.
    while (outbox.queue.length > 0 && connected && consent) deliver(outbox, outbox.queue.shift()!)
  }

  /** Once per page, when FlagBridge knows who the visitor is: for the owner of the first call waiting, if any. */
  const reconcile = (outbox: Outbox) => {
    if (outbox.reconciled || !identified) return
    outbox.reconciled = true
    const owner = outbox.queue[0] ? outbox.queue[0].user : user
    const { destination } = outbox
    const logReset = (reset: boolean) => {
      if (!reset) return
      log.add({
        destination: destination.name,
        name: 'reset',
        payload: { reason: 'the persisted identity belonged to another visitor' },
        flagKey: undefined,
        status: 'sent',
        error: undefined,
      })
    }
    const failed = (cause: unknown) =>
      report(destinationError(outbox, 'could not reconcile its identity', cause))
    try {
      const reset = destination.reconcile?.(owner) ?? false
      if (isThenable(reset)) reset.then(logReset, failed)
      else logReset(reset)
    } catch (cause) {
      failed(cause)
    }
  }

  const deliver = (outbox: Outbox, item: QueuedCall) => {
    const forget = item.key
      ? ledger.handOver(item.key, outbox.destination.name, item.user ? item.user.id : null)
      : noop
    if (!forget) {
      // Another provider of this tab queued the same exposure at the same time and handed it over first.
      stats.deduplicated++
      log.update(item.entry, { status: 'deduplicated' })
      return
    }
    const succeed = () => {
      stats.sent++
      log.update(item.entry, { status: 'sent' })
      if (!item.key) return
      if (item.identity === identity) ledger.delivered(item.key, outbox.destination.name)
      // Sent for an earlier user: kept in their ledger. An earlier anonymous visitor is gone (reset).
      else if (item.user) ledger.delivered(item.key, outbox.destination.name, item.user.id)
      // Stored (at the end of this tick): the tab's other ledgers read it there from now on.
      queueMicrotask(forget)
    }
    const fail = (cause: unknown) => {
      stats.failed++
      const error = destinationError(outbox, `${item.entry.name} failed`, cause)
      log.update(item.entry, { status: 'failed', error })
      forget()
      if (item.key) ledger.release(item.key, outbox.index)
      report(error)
    }
    try {
      const result = outbox.destination.send(item.call)
      if (isThenable(result)) result.then(succeed, fail)
      else succeed()
    } catch (cause) {
      fail(cause)
    }
  }

  /** What the event log shows for a call; a destination that can't say is reported (once per call sent). */
  const describe = (outbox: Outbox, call: DestinationCall, reportFailure: boolean) => {
    const { destination } = outbox
    try {
      const described = destination.describe(call)
      return described && { destination: destination.name, ...described }
    } catch (cause) {
      if (reportFailure) report(destinationError(outbox, `could not describe ${call.kind}`, cause))
      return { destination: destination.name, name: call.kind, payload: undefined }
    }
  }

  const enqueue = (outbox: Outbox, call: DestinationCall, key: string | undefined) => {
    const described = describe(outbox, call, true)
    if (!described) return
    const entry = log.add({
      ...described,
      flagKey: call.kind === 'track' ? call.exposure.key : undefined,
      status: consent ? 'queued' : 'waiting-for-consent',
      error: undefined,
    })
    outbox.queue.push({ call, user, identity, key, entry })
    if (outbox.queue.length > maxQueueSize) dropOldestExposure(outbox)
    flush(outbox)
  }

  const dropOldestExposure = (outbox: Outbox) => {
    // Identity calls keep their place: losing one would attribute later events to the wrong user.
    const position = outbox.queue.findIndex((item) => item.call.kind === 'track')
    if (position < 0) return
    const [dropped] = outbox.queue.splice(position, 1)
    stats.dropped++
    const error = new FlagBridgeError(
      'QUEUE_OVERFLOW',
      process.env.NODE_ENV !== 'production'
        ? `${outbox.destination.name} is not ready and ${maxQueueSize} calls are already waiting: the oldest exposure was dropped. Is it blocked? Else raise tracking.maxQueueSize.`
        : `${outbox.destination.name}: ${maxQueueSize} waiting, oldest exposure dropped`,
    )
    log.update(dropped!.entry, { status: 'dropped', error })
    if (dropped!.key) ledger.release(dropped!.key, outbox.index)
    report(error)
  }

  /** The first duplicate (or the first evaluation outside an experiment) of each exposure is logged. */
  const logOnce = (key: string, call: DestinationCall & { kind: 'track' }, status: EventStatus) => {
    if (ledger.taken(key) & (1 << DUPLICATE_LOGGED)) return
    ledger.take(key, DUPLICATE_LOGGED)
    for (const outbox of outboxes) {
      const described = describe(outbox, call, false)
      if (described) log.add({ ...described, flagKey: call.exposure.key, status, error: undefined })
    }
  }

  /** One exposure as one event: its own ledger entry (the default event keeps the plain key). */
  const recordAs = (exposure: Exposure, event: ExposureEventName) => {
    const call = { kind: 'track' as const, exposure, event }
    if (dedupe === 'none') {
      for (const outbox of outboxes) enqueue(outbox, call, undefined)
      return
    }
    const key = event === EXPOSURE_EVENT ? exposureKey(exposure) : `${exposureKey(exposure)}\u0001${event}`
    const taken = ledger.taken(key)
    if ((taken & everyDestination) === everyDestination) {
      stats.deduplicated++
      // The event log shows the first duplicate of each exposure, not every re-render.
      logOnce(key, call, 'deduplicated')
      return
    }
    for (const outbox of outboxes) {
      if (taken & (1 << outbox.index)) continue
      ledger.take(key, outbox.index)
      enqueue(outbox, call, key)
    }
  }

  let unsubscribes: Array<() => void> = []
  const connect = () => {
    if (connected) return
    connected = true
    unsubscribes = outboxes.map((outbox) => {
      try {
        return outbox.destination.subscribe(() => flush(outbox))
      } catch (cause) {
        report(destinationError(outbox, 'could not be watched', cause))
        return () => {}
      }
    })
    for (const outbox of outboxes) flush(outbox)
  }
  const disconnect = () => {
    connected = false
    for (const unsubscribe of unsubscribes) unsubscribe()
    unsubscribes = []
  }
  if (options.autoConnect !== false) connect()

  /**
   * Tells every destination who the user is, once per change of identity: sign-in
   * identifies, sign-out resets, a switch resets then identifies. Queued before any
   * exposure of the new identity, so it always arrives first. `launchDarklyKey` is the
   * context key LaunchDarkly evaluates the user by, when there is a LaunchDarkly.
   */
  function identify(
    next: FlagBridgeUser | undefined,
    { launchDarklyKey }: { launchDarklyKey?: string } = {},
  ) {
    if (identified && isSameUser(user, next)) return
    const previous = user
    const wasIdentified = identified
    user = next
    identified = true
    identity++
    const reset = wasIdentified && previous !== undefined && previous.id !== next?.id
    // After a sign-out the tools hold a new anonymous visitor (a new anonymousId), who has seen nothing.
    ledger.setIdentity(next ? next.id : null, names, reset && !next)
    for (const outbox of outboxes) {
      if (reset) enqueue(outbox, { kind: 'reset' }, undefined)
      if (next && (previous?.id !== next.id || !isSameUser(previous, next)))
        enqueue(outbox, { kind: 'identify', user: next, launchDarklyKey }, undefined)
    }
  }

  return {
    log,
    stats,
    destinations,
    identify,
    user: () => user,
    /** Tells the destinations that care (Heap) the LaunchDarkly context key of the current visitor. */
    link(launchDarklyKey: string) {
      for (const outbox of outboxes) enqueue(outbox, { kind: 'link', launchDarklyKey }, undefined)
    },
    /**
     * Sends an exposure, as each of `exposureEvents`, to every destination that hasn't taken it
     * yet. With `exposures` (or the tracker's option) `'experiments'`, one the vendor did not serve
     * in an experiment is only logged ('not-an-experiment'). Never throws.
     */
    record(exposure: Exposure, exposures: ExposureScope = scope): void {
      if (exposure.overridden && !trackOverrides) return
      if (!identified) identify(exposure.user)
      stats.recorded++
      if (exposures === 'experiments' && !exposure.inExperiment) {
        const key = `${exposureKey(exposure)}\u0001not-an-experiment`
        logOnce(key, { kind: 'track', exposure, event: exposureEvents[0] }, 'not-an-experiment')
        return
      }
      for (const event of exposureEvents) recordAs(exposure, event)
    },
    /** Opens or closes the consent gate; opening flushes everything that waited, in order. */
    setConsent(next: boolean) {
      if (consent === next) return
      consent = next
      for (const outbox of outboxes) {
        // A tool already loaded keeps running: what FlagBridge left on its events comes off (and back).
        if (outbox.loaded)
          try {
            outbox.destination.consentChanged?.(next)
          } catch (cause) {
            report(destinationError(outbox, 'could not follow consent', cause))
          }
        for (const item of outbox.queue)
          item.entry = log.update(item.entry, { status: next ? 'queued' : 'waiting-for-consent' })
        flush(outbox)
      }
    },
    consent: () => consent,
    /**
     * Calls `listener` whenever a destination's state changes (the overlay, error reports).
     * A destination that can't be watched is skipped: `connect()` reports it.
     */
    subscribeDestinations(listener: () => void): () => void {
      const unsubscribes = outboxes.map((outbox) => {
        try {
          return outbox.destination.subscribe(listener)
        } catch {
          return () => {}
        }
      })
      return () => {
        for (const unsubscribe of unsubscribes) unsubscribe()
      }
    },
    /** Calls waiting per destination. */
    pending: () =>
      Object.fromEntries(outboxes.map((outbox) => [outbox.destination.name, outbox.queue.length])),
    flush() {
      for (const outbox of outboxes) flush(outbox)
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
      for (const outbox of outboxes) {
        try {
          outbox.destination.dispose?.()
        } catch (cause) {
          report(destinationError(outbox, 'could not be disposed', cause))
        }
      }
    },
  }
}

export type ExposureTracker = ReturnType<typeof createExposureTracker>
