import type { AnalyticsDestination, FlagBridgeError, TrackerSettings } from '@flagbridge/core/engine'
import {
  createExposureTracker,
  createHeapDestination,
  createSegmentDestination,
  type ExposureTracker,
} from '@flagbridge/core/tracking'
import type { FlagBridgeProviderProps } from './FlagBridgeProvider'
import { segmentSource } from './segmentLoader'

/**
 * The provider's exposure tracker with its Segment and Heap destinations. Its own chunk: the
 * provider imports it once mounted, so none of it is on a page's critical path.
 */
export function createTracker(
  props: Pick<FlagBridgeProviderProps, 'segment' | 'heap' | 'tracking'>,
  { enabled, ...settings }: TrackerSettings,
  report: (error: FlagBridgeError) => void,
): ExposureTracker {
  return createExposureTracker({
    ...settings,
    destinations: enabled ? createDestinations(props, report) : [],
  })
}

function createDestinations(
  props: Pick<FlagBridgeProviderProps, 'segment' | 'heap' | 'tracking'>,
  report: (error: FlagBridgeError) => void,
): AnalyticsDestination[] {
  // Nothing is sent during server rendering, so nothing is loaded there either.
  if (typeof window === 'undefined') return []
  const maxValueLength = props.tracking?.maxValueLength
  const destinations: AnalyticsDestination[] = []
  if (props.segment)
    destinations.push(createSegmentDestination(segmentSource(props.segment), { maxValueLength }))
  if (props.heap) {
    destinations.push(
      createHeapDestination({
        api: props.heap.api,
        maxValueLength,
        eventPropertyBudget: props.tracking?.heapEventPropertyBudget,
        onError: report,
      }),
    )
  }
  return destinations
}
