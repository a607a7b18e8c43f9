import type { FlagProvider } from './evaluation'
import { valueToText } from './evaluation'
import {
  DEFAULT_MAX_VALUE_LENGTH,
  type EXPOSURE_EVENT,
  type Exposure,
  exposedValue,
  INTEGRATION_VERSION,
} from './exposure'

/** Segment's A/B-testing spec event, which many Segment destinations read. */
export const EXPERIMENT_VIEWED = 'Experiment Viewed'

/** The events an exposure can be sent as: `tracking.exposureEvents`. */
export type ExposureEventName = typeof EXPOSURE_EVENT | typeof EXPERIMENT_VIEWED

/** The properties of Segment's Experiment Viewed (every value text), as FlagBridge fills them. */
export interface ExperimentViewedProperties extends Record<string, string> {
  /** The flag key. */
  experiment_id: string
  /**
   * The flag's name where the vendor gives one, else the key. Neither client SDK receives names
   * (ConfigCat's config_v6 settings and LaunchDarkly's client-side flag payloads carry none), so it
   * is the key for both.
   */
  experiment_name: string
  /** The variation id (ConfigCat variationId, LaunchDarkly variation index), else the value as text. */
  variation_id: string
  /** The served value as text; for text longer than `maxValueLength`, the variation id. */
  variation_name: string
  // `overridden: 'true'` too, only on a local override sent with `tracking.trackOverrides`.
}

/** The Segment `track` call for one exposure sent as Experiment Viewed. */
export interface SegmentExperimentViewedCall {
  event: typeof EXPERIMENT_VIEWED
  properties: ExperimentViewedProperties
  options: { context: { integration: { name: FlagProvider; version: string } } }
}

/**
 * Maps an exposure onto Segment's Experiment Viewed properties: experiment_id = flag key,
 * experiment_name = the flag's name (the key when the vendor gives none), variation_id = variation
 * id, variation_name = the served value as text (the variation id when it is long).
 *
 * @example
 * createExperimentViewedProperties(exposure)
 * // { experiment_id: 'new-checkout', experiment_name: 'new-checkout', variation_id: '1', variation_name: 'true' }
 */
export function createExperimentViewedProperties(
  exposure: Exposure,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
): ExperimentViewedProperties {
  const name = valueToText(exposedValue(exposure, maxValueLength))
  const properties: ExperimentViewedProperties = {
    experiment_id: exposure.key,
    experiment_name: exposure.key,
    variation_id: exposure.variationId ?? name,
    variation_name: name,
  }
  if (exposure.overridden) properties.overridden = 'true'
  return properties
}

/**
 * Builds the Segment `track` for an exposure sent as Experiment Viewed (`tracking.exposureEvents`).
 *
 * @example
 * const { event, properties, options } = createSegmentExperimentViewed(exposure)
 * analytics.track(event, properties, options)
 */
export function createSegmentExperimentViewed(
  exposure: Exposure,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
): SegmentExperimentViewedCall {
  return {
    event: EXPERIMENT_VIEWED,
    properties: createExperimentViewedProperties(exposure, maxValueLength),
    options: { context: { integration: { name: exposure.provider, version: INTEGRATION_VERSION } } },
  }
}

/** The Heap `track` call for one exposure sent as Experiment Viewed (every property is text). */
export interface HeapExperimentViewedCall {
  event: typeof EXPERIMENT_VIEWED
  properties: ExperimentViewedProperties
}

/**
 * Builds the Heap `track` for an exposure sent as Experiment Viewed: the same properties as Segment's.
 *
 * @example
 * const { event, properties } = createHeapExperimentViewed(exposure)
 * heap.track(event, properties)
 */
export function createHeapExperimentViewed(
  exposure: Exposure,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
): HeapExperimentViewedCall {
  return { event: EXPERIMENT_VIEWED, properties: createExperimentViewedProperties(exposure, maxValueLength) }
}
