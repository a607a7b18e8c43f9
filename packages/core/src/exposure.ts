import type { FlagProvider, FlagValue } from './evaluation'
import { valueToText } from './evaluation'
import { publicTraits } from './publicTraits'
import type { FlagBridgeUser, UserAttributeValue } from './user'

// The payloads: loaded with the tracking chunk. What the critical path needs of an exposure
// (toExposure, exposureKey) is in ./toExposure.

/** The event name both destinations receive, as in ConfigCat's and Segment's guides. */
export const EXPOSURE_EVENT = 'Feature Flag Evaluated'
/** Sent as `context.integration.version` with every Segment exposure. */
export const INTEGRATION_VERSION = '1.0.0'
/** Text values longer than this are sent as their variation id. */
export const DEFAULT_MAX_VALUE_LENGTH = 100

/** One flag value shown to one user: what the destinations are told about. */
export interface Exposure {
  key: string
  value: FlagValue
  variationId: string | undefined
  provider: FlagProvider
  user: FlagBridgeUser | undefined
  overridden: boolean
  /** Served as part of an experiment (see `FlagEvaluation.inExperiment`). */
  inExperiment?: boolean | undefined
}

/**
 * The value as analytics receive it: long text (and long JSON) is replaced by the
 * variation id, so payloads stay small and free of whatever the flag carries.
 */
export function exposedValue(exposure: Exposure, maxValueLength = DEFAULT_MAX_VALUE_LENGTH): FlagValue {
  const { value, variationId } = exposure
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) return value
  const text = valueToText(value)
  if (text.length <= maxValueLength) return value
  return variationId ?? text.slice(0, maxValueLength)
}

/** The Segment `track` call for one exposure: `analytics.track(event, properties, options)`. */
export interface SegmentTrackCall {
  event: typeof EXPOSURE_EVENT
  properties: {
    feature_flag_key: string
    value: FlagValue
    variation_id?: string
    flag_provider: FlagProvider
    user?: Record<string, UserAttributeValue>
    /** Only on a local override sent with `tracking.trackOverrides`: not what the vendor served. */
    overridden?: true
  }
  options: { context: { integration: { name: FlagProvider; version: string } } }
}

/**
 * Builds the Segment `track` for an exposure exactly as DESIGN.md's event contract says.
 *
 * @example
 * const { event, properties, options } = createSegmentTrack(exposure)
 * analytics.track(event, properties, options)
 */
export function createSegmentTrack(
  exposure: Exposure,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
): SegmentTrackCall {
  const properties: SegmentTrackCall['properties'] = {
    feature_flag_key: exposure.key,
    value: exposedValue(exposure, maxValueLength),
    flag_provider: exposure.provider,
  }
  if (exposure.variationId !== undefined) properties.variation_id = exposure.variationId
  if (exposure.user) properties.user = publicTraits(exposure.user)
  if (exposure.overridden) properties.overridden = true
  return {
    event: EXPOSURE_EVENT,
    properties,
    options: { context: { integration: { name: exposure.provider, version: INTEGRATION_VERSION } } },
  }
}

/** Heap only stores scalar property values: JSON values travel as text. */
export type HeapScalar = string | number | boolean

/** Heap's scalar form of a served value. */
export function toHeapScalar(value: FlagValue): HeapScalar {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return valueToText(value)
}

/** The Heap `track` call for one exposure: `heap.track(event, properties)`. */
export interface HeapTrackCall {
  event: typeof EXPOSURE_EVENT
  properties: {
    feature_flag_key: string
    value: HeapScalar
    variation_id?: string
    flag_provider: FlagProvider
    /** Only on a local override sent with `tracking.trackOverrides`. */
    overridden?: true
  }
}

/** Builds the Heap `track` for an exposure; every property value is a scalar. */
export function createHeapTrack(
  exposure: Exposure,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
): HeapTrackCall {
  const properties: HeapTrackCall['properties'] = {
    feature_flag_key: exposure.key,
    value: toHeapScalar(exposedValue(exposure, maxValueLength)),
    flag_provider: exposure.provider,
  }
  if (exposure.variationId !== undefined) properties.variation_id = exposure.variationId
  if (exposure.overridden) properties.overridden = true
  return { event: EXPOSURE_EVENT, properties }
}
