import type { AnalyticsDestination } from './destination'
import { type FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagEvaluation, FlagProvider } from './evaluation'
import { createEventLog, type EventLog } from './eventLog'
import { toExposure } from './exposure'
import type { DedupeScope, LedgerStorage } from './exposureLedger'
import { createExposureTracker, type ExposureTracker } from './exposureTracker'
import { createFlagStore, type FlagStore, type RoutingOptions } from './flagStore'
import { type FlagBridgeUser, normalizeUser } from './user'
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
}

/** How often and when a key was last evaluated by a committed component. */
export interface EvaluationStats {
  count: number
  lastEvaluatedAt: number
  last: FlagEvaluation<unknown>
}

const MAX_REPORTED = 200

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

  const log: EventLog = createEventLog()
  const store: FlagStore = createFlagStore({ vendors: options.vendors, routing: options.routing })
  const tracker: ExposureTracker = createExposureTracker({
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
  const sdkUnsubscribes = new Map<FlagProvider, () => void>()
  let user: FlagBridgeUser | undefined
  let identityVersion = 0

  const watchSdkEvaluations = (provider: FlagProvider, vendor: FlagVendor | undefined) => {
    sdkUnsubscribes.get(provider)?.()
    sdkUnsubscribes.delete(provider)
    if (!tracking.sdkEvaluations || !vendor?.subscribeToSdkEvaluations) return
    const unsubscribe = vendor.subscribeToSdkEvaluations((evaluation) => {
      tracker.record({ ...evaluation, provider, user, overridden: false })
    })
    sdkUnsubscribes.set(provider, unsubscribe)
  }

  const bridge = {
    store,
    tracker,
    log,
    /**
     * Switches every system to a user (or to anonymous with `undefined`): ConfigCat's
     * default user, LaunchDarkly `identify`, Segment and Heap identify/reset. Invalid
     * users are reported and treated as anonymous.
     */
    identify(input: FlagBridgeUser | undefined): Promise<void> {
      let next: FlagBridgeUser | undefined
      try {
        const normalized = normalizeUser(input)
        next = normalized.user
        for (const warning of normalized.warnings) report(toFlagBridgeError('INVALID_USER', 'user', warning))
      } catch (error) {
        report(toFlagBridgeError('INVALID_USER', 'user', error))
        next = undefined
      }
      user = next
      const version = ++identityVersion
      // The tracker first: its identify must be queued before any exposure for this user.
      tracker.identify(next)
      store.setUser(next)
      const switching: Promise<void>[] = []
      for (const provider of ['configcat', 'launchdarkly'] as const) {
        const vendor = store.vendor(provider)
        if (!vendor) continue
        switching.push(
          vendor.identify(next).catch((error: unknown) => {
            if (version === identityVersion)
              report(toFlagBridgeError('VENDOR_ERROR', `${provider} identify`, error))
          }),
        )
      }
      return Promise.all(switching).then(() => undefined)
    },
    reset: () => bridge.identify(undefined),
    user: () => user,
    /** Attaches (or detaches, with `undefined`) a flag vendor; the current user is applied to it. */
    setVendor(provider: FlagProvider, vendor: FlagVendor | undefined) {
      if (store.vendor(provider) === vendor) return
      store.setVendor(provider, vendor)
      watchSdkEvaluations(provider, vendor)
      if (vendor && user) {
        vendor
          .identify(user)
          .catch((error: unknown) => report(toFlagBridgeError('VENDOR_ERROR', `${provider} identify`, error)))
      }
    },
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
      if (evaluation.error) report(evaluation.error)
      if (!track || evaluation.user !== (user ? user.id : null)) return
      const exposure = toExposure(evaluation, user)
      if (exposure) tracker.record(exposure)
    },
    evaluationStats: (): ReadonlyMap<string, EvaluationStats> => stats,
    setConsent: (consent: boolean) => tracker.setConsent(consent),
    setOnError(handler: ((error: FlagBridgeError) => void) | undefined) {
      onError = handler
    },
    report,
    dispose() {
      for (const unsubscribe of sdkUnsubscribes.values()) unsubscribe()
      tracker.dispose()
      store.dispose()
    },
  }

  for (const provider of ['configcat', 'launchdarkly'] as const)
    watchSdkEvaluations(provider, options.vendors?.[provider])
  if (options.user !== undefined) void bridge.identify(options.user)
  else tracker.identify(undefined)
  return bridge
}

export type FlagBridge = ReturnType<typeof createFlagBridge>
