// The main entry: web-standard handlers and what they are made of. It imports no Node built-in
// at run time (no fs, path, crypto, net), so it bundles for Cloudflare Workers, Vercel Edge and
// Deno as well. The CLI (`@flagbridge/relay/cli`) and the Redis store (`@flagbridge/relay/redis`)
// are entries of their own.
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
  DeliveryInProgressError,
  LaunchDarklyApiError,
  OutOfOrderSyncError,
  QueueFullError,
  QueueUnavailableError,
  RelayBusyError,
  RelayConfigurationError,
  RelayError,
  type RelayErrorCode,
  RelayStoreError,
  SegmentDeliveryError,
  WebhookPayloadError,
  WebhookPayloadTooLargeError,
  WebhookVerificationError,
} from './errors'
export {
  createHeapSyncConsumer,
  type HeapDrainBehavior,
  type HeapSyncConsumer,
  type HeapSyncConsumerOptions,
  type HeapSyncResult,
} from './heap/createHeapSyncConsumer'
export {
  createHeapWebhookHandler,
  type HeapWebhookHandler,
  type HeapWebhookHandlerOptions,
  heapSegmentKey,
} from './heap/createHeapWebhookHandler'
export type { HeapSyncJob } from './heap/heapSyncJob'
export { type HeapMember, type HeapSegmentWebhook, parseHeapWebhook } from './heap/parseHeapWebhook'
export {
  computeHeapSignature,
  type HeapSignatureCheck,
  verifyHeapSignature,
} from './heap/verifyHeapSignature'
export type { RelayHandler, RelayHeaders, RelayRequest, RelayResponse } from './http/relayRequest'
export type { Sleep } from './http/sleep'
export { type NodeRequest, toNodeHandler } from './http/toNodeHandler'
export { toRelayHandler } from './http/toRelayHandler'
export type { RelayContext, RelayFetchHandler } from './http/webhookHandler'
export {
  type AppliedSegmentDelta,
  type ApplySegmentDeltaOptions,
  applySegmentDelta,
  DEFAULT_CHUNK_SIZE,
} from './launchdarkly/applySegmentDelta'
export { LAUNCHDARKLY_API_VERSION, type LaunchDarklyConnection } from './launchdarkly/launchDarklyRequest'
export {
  createLaunchDarklySegments,
  type LaunchDarklySegments,
  type LaunchDarklySegmentsOptions,
} from './launchdarkly/launchDarklySegments'
export { computeSegmentDelta, type SegmentDelta } from './launchdarkly/segmentDelta'
export { createInProcessQueue, type InProcessQueue, type InProcessQueueOptions } from './queue/inProcessQueue'
export type { JobQueue } from './queue/jobQueue'
export {
  createSegmentDelivery,
  SEGMENT_HOSTS,
  type SegmentDelivery,
  type SegmentDeliveryOptions,
  type SegmentRegion,
  type SegmentTrack,
} from './segment/segmentDelivery'
export { createMemoryRelayStore, type MemoryRelayStoreOptions } from './store/memoryRelayStore'
export { isNewerMark, type RelayStore, type SyncMark } from './store/relayStore'
