import type { AnalyticsDestination, FlagBridgeError, TrackerSettings } from '@flagbridge/core/engine'
import {
  type CheckedTracking,
  createExposureTracker,
  createHeapDestination,
  createSegmentDestination,
  type ExposureTracker,
  trackerOptions,
} from '@flagbridge/core/tracking'
import type { FlagBridgeProviderProps } from './FlagBridgeProvider'
import { segmentSource } from './segmentLoader'

/**
 * The provider's exposure tracker with its Segment and Heap destinations, and the checks of its
 * `tracking` options. Its own chunk: the provider imports it once mounted, so none of it is on a
 * page's critical path.
 */
export function createTracker(
  props: Pick<FlagBridgeProviderProps, 'segment' | 'heap'>,
  settings: TrackerSettings,
): ExposureTracker {
  const { tracking, tracker } = trackerOptions(settings)
  return createExposureTracker({
    ...tracker,
    destinations: tracking.enabled ? createDestinations(props, tracking, settings.report) : [],
  })
}

function createDestinations(
  props: Pick<FlagBridgeProviderProps, 'segment' | 'heap'>,
  { maxValueLength, heapEventPropertyBudget }: CheckedTracking,
  report: (error: FlagBridgeError) => void,
): AnalyticsDestination[] {
  // Nothing is sent during server rendering, so nothing is loaded there either.
  if (typeof window === 'undefined') return []
  const destinations: AnalyticsDestination[] = []
  if (props.segment)
    destinations.push(createSegmentDestination(segmentSource(props.segment), { maxValueLength }))
  if (props.heap) {
    destinations.push(
      createHeapDestination({
        api: props.heap.api,
        maxValueLength,
        eventPropertyBudget: heapEventPropertyBudget,
        onError: report,
      }),
    )
  }
  return destinations
}
