// @flagbridge/core/tracking: the exposure pipeline (ledger, tracker, payloads, Segment and Heap),
// which `<FlagBridgeProvider>` loads with import() once mounted.

export type { CheckedTracking } from './checkTracking'
export { checkTracking, trackerOptions } from './checkTracking'
export type {
  ExperimentViewedProperties,
  HeapExperimentViewedCall,
  SegmentExperimentViewedCall,
} from './experimentViewed'
export {
  createExperimentViewedProperties,
  createHeapExperimentViewed,
  createSegmentExperimentViewed,
  EXPERIMENT_VIEWED,
} from './experimentViewed'
export type { Exposure, HeapScalar, HeapTrackCall, SegmentTrackCall } from './exposure'
export {
  createHeapTrack,
  createSegmentTrack,
  DEFAULT_MAX_VALUE_LENGTH,
  EXPOSURE_EVENT,
  exposedValue,
  INTEGRATION_VERSION,
  toHeapScalar,
} from './exposure'
export type { DedupeScope, ExposureLedger, LedgerStorage } from './exposureLedger'
export { createExposureLedger } from './exposureLedger'
export type { ExposureTracker, ExposureTrackerOptions } from './exposureTracker'
export { createExposureTracker } from './exposureTracker'
export type { HeapDestinationOptions, HeapLike } from './heapDestination'
export { createHeapDestination } from './heapDestination'
export type { EventPropertyBudget, EventPropertyChanges } from './heapEventProperties'
export { createEventPropertyBudget, DEFAULT_HEAP_BUDGET } from './heapEventProperties'
export { publicTraits } from './publicTraits'
export type { SegmentAnalyticsLike, SegmentDestinationOptions, SegmentSource } from './segmentDestination'
export { createSegmentDestination } from './segmentDestination'
