import { checkConsent, checkOverrideValue, checkRouting, isPlainObject } from './checkOptions'
import type { AnalyticsDestination } from './destination'
import { createDestinationIdentity } from './destinationIdentity'
import { createErrorReporter } from './errorReporter'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagEvaluation, FlagProvider, FlagValue } from './evaluation'
import { createEvaluationStats } from './evaluationStats'
import { createEventLog, type EventLog } from './eventLog'
import type { ExposureEventName } from './experimentViewed'
import type { Exposure } from './exposure'
import type { DedupeScope, LedgerStorage } from './exposureLedger'
import type { ExposureScope, ExposureTracker } from './exposureTracker'
import { createFlagStore, type FlagStore, type RoutingOptions } from './flagStore'
import { createSdkEvaluationRelay } from './sdkEvaluationRelay'
import { exposureKey, toExposure } from './toExposure'
import { checkUser, type FlagBridgeUser, isSameUser } from './user'
import type { FlagVendor } from './vendor'
import { createWaitingExposures } from './waitingExposures'

export type { EvaluationStats } from './evaluationStats'

/** `tracking` options: how exposures are deduplicated, gated and sent. */
export interface TrackingOptions {
  /** Default `'session'`. */
  dedupe?: DedupeScope
  /** Text values longer than this are sent as their variation id. Default 100. */
  maxValueLength?: number
  /** While `false`, analytics calls wait; they are sent once it turns `true`. Default `true`. */
  consent?: boolean
  /**
   * Also track evaluations the app makes straight through the SDKs (ConfigCat `flagEvaluated`,
   * LD `flag-used`), except those made while a component renders (LaunchDarkly's `useFlags`
   * reads): a render React discards can't be told from one that was shown.
   */
  sdkEvaluations?: boolean
  /** Send exposures of locally overridden values too. Default `false`. */
  trackOverrides?: boolean
  /** Calls waiting per destination at most. Default 500. */
  maxQueueSize?: number
  /** Byte budget for Heap event properties. Default 3,000. */
  heapEventPropertyBudget?: number
  /** Turn exposure tracking off entirely (evaluations still work). Default `true`. */
  enabled?: boolean
  /**
   * `'experiments'`: send only evaluations the vendor served in an experiment (LaunchDarkly
   * `reason.inExperiment`, which needs its `evaluationReasons` option; a ConfigCat percentage
   * option). The others are shown in the overlay as "not an experiment". Default `'all'`.
   */
  exposures?: ExposureScope
  /**
   * The events each exposure is sent as, to Segment and Heap: `'Feature Flag Evaluated'` (default),
   * `'Experiment Viewed'` (Segment's A/B-testing spec), or both, in the order given.
   */
  exposureEvents?: readonly ExposureEventName[]
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
   * and calls `connect()` after commit, so a render React discards does no work.
   */
  autoConnect?: boolean
  /**
   * Tells whether a UI framework is rendering right now (`undefined`: can't tell). SDK
   * evaluations made during a render are not relayed by `tracking.sdkEvaluations`.
   * `<FlagBridgeProvider>` sets it for React.
   */
  isRendering?: () => boolean | undefined
}

const PROVIDERS = ['configcat', 'launchdarkly'] as const

let warnedRenderEvaluation = false
function warnRenderEvaluation(key: string) {
  if (process.env.NODE_ENV === 'production' || warnedRenderEvaluation) return
  warnedRenderEvaluation = true
  console.warn(
    `[flagbridge] "${key}" was read during a render (LaunchDarkly's useFlags), so tracking.sdkEvaluations ` +
      'does not track it: a render React discards looks the same. Read it with useTrackedFlag to track what is shown.',
  )
}
const MAX_VENDOR_EXPOSURES = 10_000

/**
 * What the bridge hands its tracker factory: the app's `tracking` options and its own log and
 * errors. The factory checks `tracking` ({@link trackerOptions} in `@flagbridge/core/tracking`),
 * so those checks load with the tracker.
 */
export interface TrackerSettings {
  /** The `tracking` option as the app gave it: unchecked. */
  tracking: TrackingOptions | undefined
  /** `tracking.consent`, checked: what the tracker starts with. */
  consent: boolean
  storage: LedgerStorage | undefined
  eventLog: EventLog
  /** Each failure (a send that failed, an event dropped), every time. */
  onError: (error: FlagBridgeError) => void
  /** Once per distinct problem: refused options. */
  report: (error: FlagBridgeError) => void
}

/**
 * `createFlagBridge` with the exposure tracker made by `createTracker`: the flag store, vendors
 * and identity live here, the tracking pipeline wherever the caller keeps it. The React provider
 * passes a {@link createDeferredTracker} that loads the pipeline with `import()` once connected,
 * so it stays off the page's critical path.
 *
 * @example
 * const bridge = createFlagBridgeWith({ user, tracking }, (settings) =>
 *   createDeferredTracker({
 *     load: () =>
 *       import('@flagbridge/core/tracking').then(({ createExposureTracker, trackerOptions }) => {
 *         const { tracking, tracker } = trackerOptions(settings) // checks `tracking`
 *         return createExposureTracker({ ...tracker, destinations: tracking.enabled ? [createHeapDestination()] : [] })
 *       }),
 *     log: settings.eventLog,
 *     consent: settings.consent,
 *     onError: settings.onError,
 *     dedupe: settings.tracking?.dedupe,
 *   }),
 * )
 */
export function createFlagBridgeWith(
  options: FlagBridgeOptions,
  createTracker: (settings: TrackerSettings) => ExposureTracker,
) {
  const errors = createErrorReporter(options.onError)
  const { report } = errors
  // Everything the app passed is checked once: the engine below sees valid options only. The
  // tracker factory checks `tracking`; what the bridge itself needs of it is read here.
  const rawTracking: TrackingOptions = isPlainObject(options.tracking) ? options.tracking : {}
  const log: EventLog = createEventLog()
  const tracker: ExposureTracker = createTracker({
    tracking: options.tracking,
    consent: checkConsent(rawTracking.consent, report),
    storage: options.storage,
    eventLog: log,
    onError: errors.reportEvery,
    report,
  })
  const initial = checkUser(options.user, report)
  const store: FlagStore = createFlagStore({
    vendors: options.vendors,
    routing: checkRouting(options.routing, report),
    user: initial,
    autoConnect: false,
  })
  const stats = createEvaluationStats()
  let user: FlagBridgeUser | undefined = initial
  let identityVersion = 0
  let connected = false
  const sdkEvaluations = createSdkEvaluationRelay({
    // Anything but `true` is off (the default); the tracker's checks report a refused value.
    enabled: rawTracking.sdkEvaluations === true,
    user: () => user,
    record: (exposure) => tracker.record(exposure),
    isRendering: options.isRendering,
    onRenderEvaluation: (key) => warnRenderEvaluation(key),
  })

  const identifyVendor = (provider: FlagProvider, vendor: FlagVendor, version: number) => {
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

  const destinationIdentity = createDestinationIdentity(store, tracker)
  let unwatchStore: (() => void) | undefined
  /** Every vendor and destination in error, reported once per distinct error (the reporter dedupes). */
  const reportFailures = () => {
    const states = [
      ...PROVIDERS.map((provider) => () => store.vendor(provider)?.state()),
      ...tracker.destinations.map((destination) => () => destination.state()),
    ]
    for (const state of states) {
      try {
        const current = state()
        if (current?.status === 'error' && current.error) report(current.error)
      } catch {}
    }
  }

  /** The vendor's own analytics hear about a shown flag once per page, user and variation. */
  const exposedToVendors = new Set<string>()
  const exposeToVendor = (exposure: Exposure, value: unknown) => {
    const key = exposureKey(exposure)
    if (exposedToVendors.has(key)) return
    if (exposedToVendors.size >= MAX_VENDOR_EXPOSURES) exposedToVendors.clear()
    exposedToVendors.add(key)
    try {
      store.vendor(exposure.provider)?.expose?.(exposure.key, value as FlagValue)
    } catch {}
  }

  const bridge = {
    store,
    tracker,
    log,
    /** Flags shown but not exposed yet (`expose: 'visible'` or `'manual'`), for the overlay. */
    waiting: createWaitingExposures(),
    /**
     * Switches every system to a user (or to anonymous with `undefined`): ConfigCat's
     * default user, LaunchDarkly `identify`, Segment and Heap identify/reset. Users are
     * compared by value; an invalid user is reported and treated as anonymous.
     */
    identify(input: FlagBridgeUser | undefined): Promise<void> {
      const next = checkUser(input, report)
      if (isSameUser(next, user)) return Promise.resolve()
      user = next
      const version = ++identityVersion
      store.setUser(next)
      if (!connected) return Promise.resolve()
      // The destinations first: their identify is queued before any exposure of this user.
      destinationIdentity.identify(user)
      const switching: Promise<void>[] = []
      for (const provider of PROVIDERS) {
        const vendor = store.vendor(provider)
        if (vendor) switching.push(identifyVendor(provider, vendor, version))
      }
      return Promise.all(switching).then(() => undefined)
    },
    reset: () => bridge.identify(undefined),
    user: () => user,
    /** Attaches (or detaches, with `undefined`) a flag vendor; the current user is applied to it once connected. */
    setVendor(provider: FlagProvider, vendor: FlagVendor | undefined) {
      if (store.vendor(provider) === vendor) return
      store.setVendor(provider, vendor)
      sdkEvaluations.watch(provider, connected ? vendor : undefined)
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
        destinationIdentity.identify(user)
        tracker.connect()
        // LaunchDarkly may learn an anonymous visitor's key later (or a new one on sign-out);
        // a vendor or destination that fails is reported then, whether or not a flag is read.
        const unwatchVendors = store.subscribeAll(() => {
          destinationIdentity.link(user)
          reportFailures()
        })
        // The tracker reports a destination that can't be watched.
        const unwatchDestinations = tracker.subscribeDestinations(reportFailures)
        unwatchStore = () => {
          unwatchVendors()
          unwatchDestinations()
        }
        reportFailures()
        for (const provider of PROVIDERS) {
          const vendor = store.vendor(provider)
          sdkEvaluations.watch(provider, vendor)
          if (vendor) void identifyVendor(provider, vendor, identityVersion)
        }
      }
      return bridge.disconnect
    },
    /** Stops listening and sending; queued calls wait for the next `connect()`. */
    disconnect() {
      connected = false
      unwatchStore?.()
      unwatchStore = undefined
      sdkEvaluations.stop()
      tracker.disconnect()
      store.disconnect()
    },
    connected: () => connected,
    /**
     * Call once a component has shown an evaluation (after commit). Counts it for the
     * overlay, reports its error, and sends the exposure through the tracker; `exposures`
     * overrides `tracking.exposures` for this read.
     */
    recordExposure(
      evaluation: FlagEvaluation<unknown>,
      {
        track = true,
        exposures,
        counted = false,
      }: {
        track?: boolean
        exposures?: ExposureScope | undefined
        /** This snapshot was recorded before (untracked, waiting to be seen): not counted again. */
        counted?: boolean
      } = {},
    ) {
      if (!counted) {
        stats.record(evaluation)
        if (evaluation.error) report(evaluation.error)
      }
      // Shown for another user, or replaced by a change since it rendered (an override the overlay
      // applies as the page mounts, before the first paint): the component shows the new snapshot.
      if (!track || evaluation.user !== (user ? user.id : null) || store.isSuperseded(evaluation)) return
      const exposure = toExposure(evaluation, user)
      if (!exposure) return
      tracker.record(exposure, exposures)
      if (!exposure.overridden) exposeToVendor(exposure, evaluation.value)
    },
    evaluationStats: stats.all,
    /** Calls `listener` (at most once per microtask) after `evaluationStats()` changed: the overlay. */
    subscribeEvaluationStats: stats.subscribe,
    /** The LaunchDarkly context key of the current visitor, when LaunchDarkly evaluates for them. */
    launchDarklyKey: () => destinationIdentity.launchDarklyKey(user),
    /** Opens or closes the consent gate. Anything but a boolean is refused and closes it. */
    setConsent: (consent: boolean) => tracker.setConsent(checkConsent(consent, report)),
    /** Changes the routing (checked like the `routing` prop). */
    setRouting: (routing: RoutingOptions | undefined) => store.setRouting(checkRouting(routing, report)),
    /**
     * Serves a local value instead of the vendor's (devtools, tests); a value no flag could
     * serve (a bigint, a function, a cycle) is refused with `INVALID_OPTIONS`.
     */
    setOverride(key: string, value: FlagValue, provider?: FlagProvider) {
      if (typeof key !== 'string' || key === '') {
        report(
          new FlagBridgeError(
            'INVALID_FLAG_KEY',
            process.env.NODE_ENV !== 'production'
              ? `Overrides need a non-empty flag key, got ${String(key)}.`
              : `override key ${String(key)}`,
          ),
        )
        return
      }
      if (provider !== undefined && provider !== 'configcat' && provider !== 'launchdarkly') {
        report(
          new FlagBridgeError(
            'INVALID_OPTIONS',
            process.env.NODE_ENV !== 'production'
              ? `An override's vendor must be 'configcat' or 'launchdarkly', got ${String(provider)}.`
              : `override vendor ${String(provider)}`,
          ),
        )
        return
      }
      if (checkOverrideValue(key, value, report)) store.setOverride({ key, value, provider })
    },
    /** The `tracking` options as the app gave them (unchecked: the tracker checks and reports them). */
    trackingOptions: () => options.tracking,
    setOnError: errors.setOnError,
    report,
    dispose() {
      bridge.disconnect()
      tracker.dispose()
    },
  }

  if (options.autoConnect !== false) bridge.connect()
  return bridge
}

export type FlagBridge = ReturnType<typeof createFlagBridgeWith>
