// What every entry point exports besides its FlagBridgeProvider.
export type {
  EventLogEntry,
  EventStatus,
  FlagBridgeErrorCode,
  FlagBridgeUser,
  FlagEvaluation,
  FlagProvider,
  FlagValue,
  RoutingOptions,
  TrackingOptions,
} from '@flagbridge/core/engine'
export { FlagBridgeError } from '@flagbridge/core/engine'
export type { FlagBridgeProviderProps, HeapConfig } from './FlagBridgeProvider'
export type { SegmentConfig } from './segmentLoader'
export { TrackedFlag, type TrackedFlagProps } from './TrackedFlag'
export type { ExposeControls, ExposeMode } from './useExposure'
export { type FlagBridgeApi, useFlagBridge } from './useFlagBridge'
export { type UseTrackedFlagOptions, useTrackedFlag, type Widen } from './useTrackedFlag'
export type { ConfigCatConfig, ConfigCatOptions } from './vendors/configCatConfig'
export type { LaunchDarklyConfig, LaunchDarklyOptions } from './vendors/launchDarklyConfig'
