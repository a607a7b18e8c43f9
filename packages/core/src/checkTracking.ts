import { checkConsent, isPlainObject, type Report, refuse } from './checkOptions'
import type { TrackerSettings } from './createFlagBridgeWith'
import { EXPERIMENT_VIEWED, type ExposureEventName } from './experimentViewed'
import { EXPOSURE_EVENT } from './exposure'
import type { DedupeScope } from './exposureLedger'
import type { ExposureScope, ExposureTrackerOptions } from './exposureTracker'

// The `tracking` options, checked where the tracker is made: in the tracking chunk for
// `<FlagBridgeProvider>`, so the checks load with what they configure.

const DEDUPE_SCOPES: readonly DedupeScope[] = ['session', 'page', 'none']

/** `tracking` options as the engine uses them: every field present and valid. */
export interface CheckedTracking {
  dedupe: DedupeScope
  consent: boolean
  maxValueLength: number
  sdkEvaluations: boolean
  trackOverrides: boolean
  maxQueueSize: number
  heapEventPropertyBudget: number
  enabled: boolean
  exposures: ExposureScope
  exposureEvents: readonly ExposureEventName[]
}

export const TRACKING_DEFAULTS: CheckedTracking = {
  dedupe: 'session',
  consent: true,
  maxValueLength: 100,
  sdkEvaluations: false,
  trackOverrides: false,
  maxQueueSize: 500,
  heapEventPropertyBudget: 3_000,
  enabled: true,
  exposures: 'all',
  exposureEvents: [EXPOSURE_EVENT],
}

const EVENT_NAMES: readonly ExposureEventName[] = [EXPOSURE_EVENT, EXPERIMENT_VIEWED]

/** `tracking`: each field checked on its own; a refused field gets its default. */
export function checkTracking(raw: unknown, report: Report): CheckedTracking {
  const checked = { ...TRACKING_DEFAULTS }
  if (raw === undefined || raw === null) return checked
  if (!isPlainObject(raw)) {
    refuse(report, 'tracking', raw, 'an object', {})
    return checked
  }
  const field = <K extends keyof CheckedTracking>(
    name: K,
    valid: (value: unknown) => value is CheckedTracking[K],
    expected: string,
  ) => {
    const value = raw[name]
    if (value === undefined) return
    if (valid(value)) checked[name] = value
    else refuse(report, `tracking.${name}`, value, expected, checked[name])
  }
  const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean'
  const isCount =
    (min: number) =>
    (value: unknown): value is number =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= min
  field(
    'dedupe',
    (value): value is DedupeScope => DEDUPE_SCOPES.includes(value as DedupeScope),
    "'session', 'page' or 'none'",
  )
  checked.consent = checkConsent(raw.consent, report)
  field('maxValueLength', isCount(0), 'a whole number ≥ 0')
  field('sdkEvaluations', isBoolean, 'true or false')
  field('trackOverrides', isBoolean, 'true or false')
  field('maxQueueSize', isCount(1), 'a whole number ≥ 1')
  field('heapEventPropertyBudget', isCount(1), 'a whole number of bytes ≥ 1')
  field('enabled', isBoolean, 'true or false')
  field('exposures', isExposureScope, "'all' or 'experiments'")
  field(
    'exposureEvents',
    (value): value is readonly ExposureEventName[] =>
      Array.isArray(value) &&
      value.length > 0 &&
      new Set(value).size === value.length &&
      value.every((name) => EVENT_NAMES.includes(name)),
    "a list of 'Feature Flag Evaluated' and/or 'Experiment Viewed'",
  )
  return checked
}

/** `tracking.exposures` and `useTrackedFlag`'s `exposures`: `'all'` or `'experiments'`. */
export function isExposureScope(value: unknown): value is ExposureScope {
  return value === 'all' || value === 'experiments'
}

/**
 * What a tracker factory given to `createFlagBridgeWith` needs: the checked `tracking` options
 * (refusals reported once each) and the exposure tracker's options, all but its destinations.
 *
 * @example
 * const bridge = createFlagBridgeWith({ user }, (settings) => {
 *   const { tracking, tracker } = trackerOptions(settings)
 *   return createExposureTracker({ ...tracker, destinations: tracking.enabled ? destinations : [] })
 * })
 */
export function trackerOptions(settings: TrackerSettings): {
  tracking: CheckedTracking
  tracker: Omit<ExposureTrackerOptions, 'destinations'>
} {
  const tracking = checkTracking(settings.tracking, settings.report)
  return {
    tracking,
    tracker: {
      autoConnect: false,
      dedupe: tracking.dedupe,
      consent: settings.consent,
      maxQueueSize: tracking.maxQueueSize,
      trackOverrides: tracking.trackOverrides,
      exposures: tracking.exposures,
      exposureEvents: tracking.exposureEvents,
      storage: settings.storage,
      eventLog: settings.eventLog,
      onError: settings.onError,
    },
  }
}
