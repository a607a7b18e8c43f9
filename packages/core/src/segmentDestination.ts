import type { AnalyticsDestination, DestinationCall, DestinationState } from './destination'
import { toFlagBridgeError } from './errors'
import { createSegmentExperimentViewed, EXPERIMENT_VIEWED } from './experimentViewed'
import { createSegmentTrack, DEFAULT_MAX_VALUE_LENGTH } from './exposure'
import { publicTraits } from './publicTraits'
import type { FlagBridgeUser } from './user'

/** The part of an `@segment/analytics-next` `Analytics` instance FlagBridge uses. */
export interface SegmentAnalyticsLike {
  track(event: string, properties?: object, options?: object): unknown
  identify(userId: string, traits?: object): unknown
  reset(): unknown
  /** analytics-next's persisted user: reconciled with FlagBridge's on each page, shown by the overlay. */
  user?(): { id?(): string | null | undefined; anonymousId?(): string | null | undefined }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function'
}

/** What analytics-next's `track`/`identify` resolve with: a Context that says whether delivery failed. */
interface DeliveredContext {
  failedDelivery?(): { reason: unknown } | undefined
}

/**
 * analytics-next resolves `track()` even when it gave up on the event (a 4xx from the API,
 * retries exhausted): the Context's `failedDelivery()` says so. Those are failures, with the reason.
 */
function failedDelivery(result: unknown): unknown {
  if (!isThenable(result)) return result
  return Promise.resolve(result).then((ctx) => {
    const failure = (ctx as DeliveredContext | undefined)?.failedDelivery?.()
    if (failure) throw failure.reason ?? new Error('Segment did not deliver the event')
    return ctx
  })
}

/** An `Analytics` instance, or what resolves to one: an `AnalyticsBrowser` (thenable of `[analytics, context]`), a promise. */
export type SegmentInstance =
  | SegmentAnalyticsLike
  | PromiseLike<SegmentAnalyticsLike | readonly [SegmentAnalyticsLike, unknown]>

/**
 * What `createSegmentDestination` reads from: an instance (loaded, or loading already), or a
 * function that starts loading one, called only once the tracker calls `load()` (connected, with
 * consent), so nothing is fetched from Segment before the visitor agreed.
 */
export type SegmentSource = SegmentInstance | (() => SegmentInstance)

export interface SegmentDestinationOptions {
  maxValueLength?: number
}

/**
 * Segment over `@segment/analytics-next`. An `AnalyticsBrowser` counts as ready once it
 * has loaded; until then (or forever, when an ad blocker stops it) FlagBridge keeps the
 * events in its own bounded queue. Anonymous visitors keep Segment's persisted anonymousId.
 * Given a function, it loads nothing until `load()` (the tracker calls it once consent is given).
 *
 * @example
 * createSegmentDestination(() => AnalyticsBrowser.load({ writeKey }))
 */
export function createSegmentDestination(
  source: SegmentSource,
  { maxValueLength = DEFAULT_MAX_VALUE_LENGTH }: SegmentDestinationOptions = {},
): AnalyticsDestination {
  const listeners = new Set<() => void>()
  let analytics: SegmentAnalyticsLike | undefined
  let state: DestinationState = { status: 'loading' }
  const setState = (next: DestinationState) => {
    state = next
    for (const listener of listeners) listener()
  }

  const failed = (error: unknown) =>
    setState({
      status: 'error',
      error: toFlagBridgeError('DESTINATION_ERROR', 'Segment did not load', error),
    })
  /** An `AnalyticsBrowser` resolves to `[analytics, context]`; an instance is used as it is. */
  const ready = (loaded: SegmentAnalyticsLike | readonly [SegmentAnalyticsLike, unknown]) => {
    analytics = Array.isArray(loaded) ? (loaded[0] as SegmentAnalyticsLike) : (loaded as SegmentAnalyticsLike)
    setState({ status: 'ready' })
  }
  let started = false
  const start = () => {
    if (started) return
    started = true
    let instance: SegmentInstance
    try {
      instance = typeof source === 'function' ? source() : source
    } catch (error) {
      return failed(error)
    }
    if (isThenable(instance)) Promise.resolve(instance).then(ready, failed)
    else ready(instance)
  }
  // An instance is the app's: loaded, or loading already. Only a function waits for load().
  if (typeof source !== 'function') start()

  /** The `analytics.track` an exposure is sent as (`tracking.exposureEvents`). */
  const segmentTrack = ({ event, exposure }: Extract<DestinationCall, { kind: 'track' }>) =>
    (event === EXPERIMENT_VIEWED ? createSegmentExperimentViewed : createSegmentTrack)(
      exposure,
      maxValueLength,
    )

  const describe = (call: DestinationCall) => {
    switch (call.kind) {
      case 'identify':
        return { name: 'identify', payload: { userId: call.user.id, traits: publicTraits(call.user) } }
      case 'reset':
        return { name: 'reset', payload: undefined }
      case 'link':
        return undefined
      case 'track': {
        const { event, properties, options } = segmentTrack(call)
        return { name: event, payload: { properties, context: options.context } }
      }
    }
  }

  return {
    name: 'segment',
    load: start,
    state: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    describe,
    identity() {
      try {
        const user = analytics?.user?.()
        return user ? { userId: user.id?.(), anonymousId: user.anonymousId?.() } : undefined
      } catch {
        return undefined
      }
    },
    reconcile(user: FlagBridgeUser | undefined) {
      // analytics-next keeps the userId in a cookie and localStorage (ajs_user_id) across pages.
      const persisted = analytics?.user?.().id?.()
      if (typeof persisted !== 'string' || persisted === '' || persisted === user?.id) return false
      const reset = analytics!.reset()
      // An app's instance may answer with a promise: its rejection is a failure, never unhandled.
      return isThenable(reset) ? Promise.resolve(reset).then(() => true) : true
    },
    send(call) {
      if (!analytics) throw new Error('Segment is not loaded yet')
      switch (call.kind) {
        case 'identify':
          return failedDelivery(analytics.identify(call.user.id, publicTraits(call.user)))
        case 'reset':
          return analytics.reset()
        case 'link':
          return
        case 'track': {
          const { event, properties, options } = segmentTrack(call)
          return failedDelivery(analytics.track(event, properties, options))
        }
      }
    },
  }
}
