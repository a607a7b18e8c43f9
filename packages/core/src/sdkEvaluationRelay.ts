import type { FlagProvider } from './evaluation'
import type { Exposure } from './exposure'
import type { FlagBridgeUser } from './user'
import type { FlagVendor } from './vendor'

/**
 * `tracking.sdkEvaluations`: turns the evaluations an app makes straight through a vendor SDK
 * (ConfigCat `flagEvaluated`, LaunchDarkly `flag-used`) into exposures. LaunchDarkly's
 * `useFlags` evaluates during render, so they are recorded in a later task, never during render,
 * and only while the user they were made for is still the current one. Defaults (keys the SDK
 * doesn't serve) are never exposures. A read in a render React then discards (an error boundary,
 * a suspended tree) can't be told apart from one that was shown: `useTrackedFlag` is exact.
 */
export function createSdkEvaluationRelay(options: {
  enabled: boolean
  user: () => FlagBridgeUser | undefined
  record: (exposure: Exposure) => void
}) {
  const unsubscribes = new Map<FlagProvider, () => void>()
  const pending: Exposure[] = []
  let timer: ReturnType<typeof setTimeout> | undefined

  const flush = () => {
    timer = undefined
    for (const exposure of pending.splice(0)) {
      // An evaluation made for an earlier user is stale by now.
      if (exposure.user === options.user()) options.record(exposure)
    }
  }
  const unwatch = (provider: FlagProvider) => {
    unsubscribes.get(provider)?.()
    unsubscribes.delete(provider)
  }

  return {
    /** Relays `vendor`'s SDK evaluations as `provider`'s (none with `undefined`). */
    watch(provider: FlagProvider, vendor: FlagVendor | undefined) {
      unwatch(provider)
      if (!options.enabled || !vendor?.subscribeToSdkEvaluations) return
      const unsubscribe = vendor.subscribeToSdkEvaluations((evaluation) => {
        // A default (a typo, a deleted flag) is not an exposure.
        if (evaluation.isDefault) return
        pending.push({ ...evaluation, provider, user: options.user(), overridden: false })
        timer ??= setTimeout(flush, 0)
      })
      unsubscribes.set(provider, unsubscribe)
    },
    /** Stops relaying and drops what was not recorded yet. */
    stop() {
      clearTimeout(timer)
      timer = undefined
      pending.length = 0
      for (const provider of [...unsubscribes.keys()]) unwatch(provider)
    },
  }
}
