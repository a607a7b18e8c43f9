export type { CheckedTracking } from './checkOptions'
export { isFlagValue } from './checkOptions'
export type { ConfigCatClientLike, ConfigCatUser } from './configCatVendor'
export { createConfigCatVendor, isValidConfigCatSdkKey, toConfigCatUser } from './configCatVendor'
export type { EvaluationStats, FlagBridge, FlagBridgeOptions, TrackingOptions } from './createFlagBridge'
export { createFlagBridge } from './createFlagBridge'
export type {
  AnalyticsDestination,
  DestinationCall,
  DestinationIdentity,
  DestinationState,
} from './destination'
export type { FlagBridgeErrorCode } from './errors'
export { FlagBridgeError, toFlagBridgeError } from './errors'
export type { FlagEvaluation, FlagProvider, FlagValue, VendorEvaluation } from './evaluation'
export { isSameEvaluation, valueToText } from './evaluation'
export type { EventLog, EventLogEntry, EventStatus } from './eventLog'
export { createEventLog } from './eventLog'
export type { Exposure, HeapScalar, HeapTrackCall, SegmentTrackCall } from './exposure'
export {
  createHeapTrack,
  createSegmentTrack,
  DEFAULT_MAX_VALUE_LENGTH,
  EXPOSURE_EVENT,
  exposedValue,
  exposureKey,
  INTEGRATION_VERSION,
  toExposure,
  toHeapScalar,
} from './exposure'
export type { DedupeScope, ExposureLedger, LedgerStorage } from './exposureLedger'
export { createExposureLedger } from './exposureLedger'
export type { ExposureTracker, ExposureTrackerOptions } from './exposureTracker'
export { createExposureTracker } from './exposureTracker'
export type { FlagOverride, FlagStore, RoutingOptions } from './flagStore'
export { createFlagStore } from './flagStore'
export type { HeapDestinationOptions, HeapLike } from './heapDestination'
export { createHeapDestination } from './heapDestination'
export type { EventPropertyBudget, EventPropertyChanges } from './heapEventProperties'
export { createEventPropertyBudget, DEFAULT_HEAP_BUDGET } from './heapEventProperties'
export type { LaunchDarklyContext } from './launchDarklyContext'
export { isSameContext, toLaunchDarklyContext } from './launchDarklyContext'
export type {
  FlagUsedInspector,
  LaunchDarklyDetail,
  LaunchDarklyFlagUsedInspector,
  LaunchDarklyInspector,
  LaunchDarklyInspectors,
} from './launchDarklyInspectors'
export { createFlagUsedInspector, createLaunchDarklyInspectors } from './launchDarklyInspectors'
export type {
  LaunchDarklyBootstrap,
  LaunchDarklyClientLike,
  LaunchDarklyVendor,
  LaunchDarklyVendorOptions,
} from './launchDarklyVendor'
export { createLaunchDarklyVendor } from './launchDarklyVendor'
export type { SegmentAnalyticsLike, SegmentDestinationOptions, SegmentSource } from './segmentDestination'
export { createSegmentDestination } from './segmentDestination'
export type { StaticFlag, StaticVendor } from './staticVendor'
export { createStaticVendor } from './staticVendor'
export { createUnavailableVendor } from './unavailableVendor'
export type { FlagBridgeUser, UserAttributeValue } from './user'
export { isSameUser, normalizeUser, publicTraits } from './user'
export type { ConnectionStatus, FlagVendor, SdkEvaluation, VendorState } from './vendor'
export type { ExposureWait, WaitingExposure, WaitingExposures } from './waitingExposures'
export { createWaitingExposures } from './waitingExposures'
