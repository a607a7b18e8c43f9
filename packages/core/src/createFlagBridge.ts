import { trackerOptions } from './checkTracking'
import { createFlagBridgeWith, type FlagBridge, type FlagBridgeOptions } from './createFlagBridgeWith'
import { createExposureTracker } from './exposureTracker'

/**
 * The whole engine behind `<FlagBridgeProvider>`: the flag store, the exposure tracker
 * and identity fan-out, with no React. Use it directly in other frameworks or tests.
 *
 * @example
 * const bridge = createFlagBridge({
 *   vendors: { launchdarkly: createLaunchDarklyVendor(ldClient) },
 *   destinations: [createSegmentDestination(analytics), createHeapDestination()],
 *   user: { id: 'user-1' },
 * })
 * const evaluation = bridge.store.getEvaluation('newCheckout', false)
 * bridge.recordExposure(evaluation) // after it was shown
 */
export function createFlagBridge(options: FlagBridgeOptions = {}): FlagBridge {
  return createFlagBridgeWith(options, (settings) => {
    const { tracking, tracker } = trackerOptions(settings)
    return createExposureTracker({
      ...tracker,
      destinations: tracking.enabled ? (options.destinations ?? []) : [],
    })
  })
}
