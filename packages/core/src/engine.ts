// @flagbridge/core/engine: what FlagBridge needs to serve flags (store, vendors, users, errors).
// The tracking pipeline is in @flagbridge/core/tracking, so a page can load it later.
export { isFlagValue } from './checkOptions'
export type { BootstrappedFlag, ConfigCatBootstrap } from './configCatBootstrap'
export type { ConfigCatClientLike, ConfigCatUser } from './configCatVendor'
export { createConfigCatVendor, isValidConfigCatSdkKey, toConfigCatUser } from './configCatVendor'
export type {
  EvaluationStats,
  FlagBridge,
  FlagBridgeOptions,
  TrackerSettings,
  TrackingOptions,
} from './createFlagBridgeWith'
export { createFlagBridgeWith } from './createFlagBridgeWith'
export { createDeferredTracker } from './deferredTracker'
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
export type { ExposureEventName } from './experimentViewed'
export type { Exposure } from './exposure'
export type { ExposureScope } from './exposureTracker'
export type { FlagOverride, FlagStore, RoutingOptions } from './flagStore'
export { createFlagStore } from './flagStore'
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
export type { DetailedStaticFlag, StaticFlag, StaticVendor } from './staticVendor'
export { createStaticVendor } from './staticVendor'
export { exposureKey, toExposure } from './toExposure'
export { createUnavailableVendor } from './unavailableVendor'
export type { FlagBridgeUser, UserAttributeValue } from './user'
export { isOthersBootstrap, isSameUser, normalizeUser } from './user'
export type { ConnectionStatus, FlagVendor, SdkEvaluation, VendorState } from './vendor'
export type { ExposureWait, WaitingExposure, WaitingExposures } from './waitingExposures'
export { createWaitingExposures } from './waitingExposures'
