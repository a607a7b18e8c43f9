'use client'

export type { StaticFlag, StaticVendor } from '@flagbridge/core'
export { createStaticVendor } from '@flagbridge/core'
export { createEventRecorder, type EventRecorder, type RecordedEvent } from '../testing/createEventRecorder'
export {
  TestFlagBridgeProvider,
  type TestFlagBridgeProviderProps,
  type TestFlags,
} from '../testing/TestFlagBridgeProvider'
