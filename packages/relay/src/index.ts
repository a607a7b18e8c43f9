export { readMemberCsv } from './cli/readMemberCsv'
export { CLI_HELP, type CliIo, runCli } from './cli/runCli'
export {
  type ConfigCatProduct,
  type ConfigCatProductResolver,
  type ConfigCatPublicApiOptions,
  createConfigCatProductLookup,
} from './configcat/configCatProductLookup'
export { CONFIGCAT_WEBHOOK_BODY_TEMPLATE } from './configcat/configCatWebhookTemplate'
export {
  type ConfigCatWebhookHandler,
  type ConfigCatWebhookHandlerOptions,
  createConfigCatWebhookHandler,
} from './configcat/createConfigCatWebhookHandler'
export {
  CONFIGCAT_ANONYMOUS_ID,
  createFlagChangedEvent,
  createFlagChangedMessageId,
  FLAG_CHANGED_EVENT,
  type FlagChangedIdentity,
  type FlagChangedInput,
  type FlagChangedProperties,
  type FlagChangedTrack,
} from './configcat/createFlagChangedEvent'
export { type ConfigCatChanger, parseChangedBy } from './configcat/parseChangedBy'
export {
  type ConfigCatChange,
  type ConfigCatSettingChange,
  parseConfigCatWebhook,
} from './configcat/parseConfigCatWebhook'
export {
  type ConfigCatSignatureCheck,
  computeConfigCatSignature,
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  type VerifiedConfigCatDelivery,
  verifyConfigCatSignature,
} from './configcat/verifyConfigCatSignature'
export {
  ConfigCatApiError,
  LaunchDarklyApiError,
  RelayError,
  type RelayErrorCode,
  SegmentDeliveryError,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors'
export {
  createHeapWebhookHandler,
  type HeapDrainBehavior,
  type HeapWebhookHandlerOptions,
  heapSegmentKey,
} from './heap/createHeapWebhookHandler'
export { type HeapMember, type HeapSegmentWebhook, parseHeapWebhook } from './heap/parseHeapWebhook'
export {
  computeHeapSignature,
  type HeapSignatureCheck,
  verifyHeapSignature,
} from './heap/verifyHeapSignature'
export { createMemoryDeliveryLog, type DeliveryLog } from './http/deliveryLog'
export type { RelayHandler, RelayHeaders, RelayRequest, RelayResponse } from './http/relayRequest'
export type { Sleep } from './http/sleep'
export { type NodeRequest, toNodeHandler } from './http/toNodeHandler'
export {
  type AppliedSegmentDelta,
  type ApplySegmentDeltaOptions,
  applySegmentDelta,
  DEFAULT_CHUNK_SIZE,
} from './launchdarkly/applySegmentDelta'
export type { LaunchDarklyConnection } from './launchdarkly/launchDarklyRequest'
export {
  createLaunchDarklySegments,
  type LaunchDarklySegments,
  type LaunchDarklySegmentsOptions,
} from './launchdarkly/launchDarklySegments'
export { computeSegmentDelta, type SegmentDelta } from './launchdarkly/segmentDelta'
export {
  createSegmentDelivery,
  SEGMENT_HOSTS,
  type SegmentDelivery,
  type SegmentDeliveryOptions,
  type SegmentRegion,
  type SegmentTrack,
} from './segment/segmentDelivery'
