import type { AnalyticsDestination } from './destination'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagEvaluation, FlagProvider } from './evaluation'
import { createEventLog, type EventLog } from './eventLog'
import { type Exposure, toExposure } from './exposure'
import type { DedupeScope, LedgerStorage } from './exposureLedger'
import { createExposureTracker, type ExposureTracker } from './exposureTracker'
import { createFlagStore, type FlagStore, type RoutingOptions } from './flagStore'
import { type FlagBridgeUser, isSameUser, normalizeUser } from './user'
import type { FlagVendor } from './vendor'

/** `tracking` options: how exposures are deduplicated, gated and sent. */
export interface TrackingOptions {
  /** Default `'session'`. */
  dedupe?: DedupeScope
  /** Text values longer than this are sent as their variation id. Default 100. */
  maxValueLength?: number
  /** While `false`, analytics calls wait; they are sent once it turns `true`. Default `true`. */
  consent?: boolean
  /** Also track evaluations the app makes straight through the SDKs (ConfigCat `flagEvaluated`, LD `flag-used`). */
  sdkEvaluations?: boolean
  /** Send exposures of locally overridden values too. Default `false`. */
  trackOverrides?: boolean
  /** Calls waiting per destination at most. Default 500. */
  maxQueueSize?: number
  /** Byte budget for Heap event properties. Default 3,000. */
  heapEventPropertyBudget?: number
  /** Turn exposure tracking off entirely (evaluations still work). Default `true`. */
  enabled?: boolean
}

export interface FlagBridgeOptions {
  vendors?: Partial<Record<FlagProvider, FlagVendor>>
  destinations?: readonly AnalyticsDestination[]
  user?: FlagBridgeUser | undefined
  tracking?: TrackingOptions
  routing?: RoutingOptions
  onError?: (error: FlagBridgeError) => void
  /** Where the session dedup ledger lives (default `sessionStorage`). */
  storage?: LedgerStorage
  /**
   * Start listening and sending at once (default). React creates the bridge with `false`
   * and calls `connect()` after commit, so a render React throws away does no work.
   */
  autoConnect?: boolean
}

/** How often and when a key was last evaluated by a committed component. */
export interface EvaluationStats {
  count: number
  lastEvaluatedAt: number
  last: FlagEvaluation<unknown>
}

const MAX_REPORTED = 200
const PROVIDERS = ['configcat', 'launchdarkly'] as const

/**
 * The whole engine behind `<FlagBridgeProvider>`: the flag store, the exposure tracker
 * and identity fan-out, with no React. Use it directly in other frameworks or tests.
 *
 * @example
 * const bridge = createFlagBridge({
 *   vendors: { launchdarkly: createLaunchDarklyVendor(ldClient) },
 *   destinations: [createSegmentDestination(analytics), createHeapDestination()],
 *   user: { id: 'user-1' },
 * })
 * const evaluation = bridge.store.getEvaluation('newCheckout', false)
 * bridge.recordExposure(evaluation) // after it was shown
 */
export function createFlagBridge(options: FlagBridgeOptions = {}) {
  const tracking = options.tracking ?? {}
  let onError = options.onError
  const reported = new Set<string>()
  const report = (error: FlagBridgeError) => {
    // One report per distinct problem: a wrong default read by 1,000 components is one error.
    if (reported.has(error.message)) return
    if (reported.size >= MAX_REPORTED) reported.clear()
    reported.add(error.message)
    try {
      onError?.(error)
    } catch {}
  }

  const initial = safeNormalize(options.user, report)
  const log: EventLog = createEventLog()
  const store: FlagStore = createFlagStore({
    vendors: options.vendors,
    routing: options.routing,
    user: initial,
    autoConnect: false,
  })
  const tracker: ExposureTracker = createExposureTracker({
    autoConnect: false,
    destinations: tracking.enabled === false ? [] : (options.destinations ?? []),
    dedupe: tracking.dedupe,
    consent: tracking.consent,
    maxQueueSize: tracking.maxQueueSize,
    trackOverrides: tracking.trackOverrides,
    storage: options.storage,
    eventLog: log,
    onError: (error) => {
      try {
        onError?.(error)
      } catch {}
    },
  })
  const stats = new Map<string, EvaluationStats>()
  // The overlay's view of `stats`: told once per microtask, and only while someone listens.
  const statsListeners = new Set<() => void>()
  let statsNotifyScheduled = false
  const statsChanged = () => {
    if (statsNotifyScheduled || statsListeners.size === 0) return
    statsNotifyScheduled = true
    queueMicrotask(() => {
      statsNotifyScheduled = false
      for (const listener of [...statsListeners]) listener()
    })
  }
  const sdkUnsubscribes = new Map<FlagProvider, () => void>()
  // The user each vendor was last switched to, so reconnecting (StrictMode) doesn't re-identify.
  const vendorUsers = new Map<FlagVendor, FlagBridgeUser | undefined>()
  let user: FlagBridgeUser | undefined = initial
  let identityVersion = 0
  let connected = false

  const identifyVendor = (provider: FlagProvider, vendor: FlagVendor, version: number) => {
    if (vendorUsers.has(vendor) && isSameUser(vendorUsers.get(vendor), user)) return Promise.resolve()
    vendorUsers.set(vendor, user)
    let switching: Promise<void>
    try {
      switching = vendor.identify(user)
    } catch (error) {
      // A custom vendor may throw instead of rejecting: report it the same way.
      switching = Promise.reject(error)
    }
    return switching.catch((error: unknown) => {
      if (version === identityVersion)
        report(toFlagBridgeError('VENDOR_ERROR', `${provider} identify`, error))
    })
  }

  const watchSdkEvaluations = (provider: FlagProvider, vendor: FlagVendor | undefined) => {
    sdkUnsubscribes.get(provider)?.()
    sdkUnsubscribes.delete(provider)
    if (!connected || !tracking.sdkEvaluations || !vendor?.subscribeToSdkEvaluations) return
    const unsubscribe = vendor.subscribeToSdkEvaluations((evaluation) => {
      pendingSdkExposures.push({ ...evaluation, provider, user, overridden: false })
      // LaunchDarkly's useFlags evaluates during render: record in a later task, never during render.
      if (sdkFlushTimer === undefined) sdkFlushTimer = setTimeout(flushSdkExposures, 0)
    })
    sdkUnsubscribes.set(provider, unsubscribe)
  }
  const pendingSdkExposures: Exposure[] = []
  let sdkFlushTimer: ReturnType<typeof setTimeout> | undefined
  const flushSdkExposures = () => {
    sdkFlushTimer = undefined
    for (const exposure of pendingSdkExposures.splice(0)) {
      // An evaluation made for an earlier user is stale by now.
      if (exposure.user === user) tracker.record(exposure)
    }
  }

  const bridge = {
    store,
    tracker,
    log,
    /**
     * Switches every system to a user (or to anonymous with `undefined`): ConfigCat's
     * default user, LaunchDarkly `identify`, Segment and Heap identify/reset. Users are
     * compared by value; an invalid user is reported and treated as anonymous.
     */
    identify(input: FlagBridgeUser | undefined): Promise<void> {
      const next = safeNormalize(input, report)
      if (isSameUser(next, user)) return Promise.resolve()
      user = next
      const version = ++identityVersion
      // The tracker first: its identify must be queued before any exposure for this user.
      tracker.identify(next)
      store.setUser(next)
      if (!connected) return Promise.resolve()
      const switching: Promise<void>[] = []
      for (const provider of PROVIDERS) {
        const vendor = store.vendor(provider)
        if (vendor) switching.push(identifyVendor(provider, vendor, version))
      }
      return Promise.all(switching).then(() => undefined)
    },
    reset: () => bridge.identify(undefined),
    user: () => user,
    /**
     * Attaches (or detaches, with `undefined`) a flag vendor; the current user is applied
     * to it once connected. `identifiedAs` says the vendor already evaluates for a user
     * (a LaunchDarkly client created with that context), so no `identify` is needed.
     */
    setVendor(provider: FlagProvider, vendor: FlagVendor | undefined, identifiedAs?: { user: unknown }) {
      if (store.vendor(provider) === vendor) return
      if (vendor && identifiedAs)
        vendorUsers.set(
          vendor,
          safeNormalize(identifiedAs.user, () => {}),
        )
      store.setVendor(provider, vendor)
      watchSdkEvaluations(provider, vendor)
      if (vendor && connected) void identifyVendor(provider, vendor, identityVersion)
    },
    /**
     * Starts the bridge: listens to vendors and destinations, identifies the user
     * everywhere and sends what waited. Idempotent; returns `disconnect`.
     */
    connect(): () => void {
      if (!connected) {
        connected = true
        store.connect()
        tracker.identify(user)
        tracker.connect()
        for (const provider of PROVIDERS) {
          const vendor = store.vendor(provider)
          watchSdkEvaluations(provider, vendor)
          if (vendor) void identifyVendor(provider, vendor, identityVersion)
        }
      }
      return bridge.disconnect
    },
    /** Stops listening and sending; queued calls wait for the next `connect()`. */
    disconnect() {
      connected = false
      clearTimeout(sdkFlushTimer)
      sdkFlushTimer = undefined
      pendingSdkExposures.length = 0
      for (const unsubscribe of sdkUnsubscribes.values()) unsubscribe()
      sdkUnsubscribes.clear()
      tracker.disconnect()
      store.disconnect()
    },
    connected: () => connected,
    /**
     * Call once a component has shown an evaluation (after commit). Counts it for the
     * overlay, reports its error, and sends the exposure through the tracker.
     */
    recordExposure(evaluation: FlagEvaluation<unknown>, { track = true }: { track?: boolean } = {}) {
      const previous = stats.get(evaluation.key)
      stats.set(evaluation.key, {
        count: (previous?.count ?? 0) + 1,
        lastEvaluatedAt: Date.now(),
        last: evaluation,
      })
      statsChanged()
      if (evaluation.error) report(evaluation.error)
      if (!track || evaluation.user !== (user ? user.id : null)) return
      const exposure = toExposure(evaluation, user)
      if (exposure) tracker.record(exposure)
    },
    evaluationStats: (): ReadonlyMap<string, EvaluationStats> => stats,
    /** Calls `listener` (at most once per microtask) after `evaluationStats()` changed: the overlay. */
    subscribeEvaluationStats(listener: () => void): () => void {
      statsListeners.add(listener)
      return () => {
        statsListeners.delete(listener)
      }
    },
    setConsent: (consent: boolean) => tracker.setConsent(consent),
    setOnError(handler: ((error: FlagBridgeError) => void) | undefined) {
      onError = handler
    },
    report,
    dispose() {
      bridge.disconnect()
      tracker.dispose()
    },
  }

  if (options.autoConnect !== false) bridge.connect()
  return bridge
}

export type FlagBridge = ReturnType<typeof createFlagBridge>

function safeNormalize(input: unknown, report: (error: FlagBridgeError) => void): FlagBridgeUser | undefined {
  try {
    const { user, warnings } = normalizeUser(input)
    for (const warning of warnings) report(new FlagBridgeError('INVALID_USER', warning))
    return user
  } catch (error) {
    report(toFlagBridgeError('INVALID_USER', 'user', error))
    return undefined
  }
}
