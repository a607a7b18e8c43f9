import type { FlagProvider } from './evaluation'
import type { Exposure } from './exposure'
import type { FlagBridgeUser } from './user'
import type { FlagVendor } from './vendor'

/**
 * `tracking.sdkEvaluations`: turns the evaluations an app makes straight through a vendor SDK
 * (ConfigCat `flagEvaluated`, LaunchDarkly `flag-used`) into exposures, recorded in a later task
 * and only while the user they were made for is still the current one. Defaults (keys the SDK
 * doesn't serve) are never exposures.
 *
 * Evaluations made while a function component renders are not relayed (LaunchDarkly's `useFlags`
 * reads; a class component's render can't be told apart, and its reads are relayed):
 * nothing tells a render React then discards (a suspended tree, an error boundary, an abandoned
 * transition) from one that was shown, and a wrong exposure is worse than a missing one.
 * `useTrackedFlag` tracks what was shown, after commit; `onRenderEvaluation` hears the skipped ones.
 */
export function createSdkEvaluationRelay(options: {
  enabled: boolean
  user: () => FlagBridgeUser | undefined
  record: (exposure: Exposure) => void
  /** Whether a render is in progress (`undefined`: can't tell, relayed). */
  isRendering?: () => boolean | undefined
  /** Called for each evaluation skipped because it was made during a render. */
  onRenderEvaluation?: (key: string, provider: FlagProvider) => void
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
        // A default (a typo, a deleted flag) is not an exposure, nor, on a client another
        // provider shares and switched to its user, an evaluation made for that user.
        if (evaluation.isDefault || vendor.isFor?.(options.user()) === false) return
        if (options.isRendering?.() === true) {
          options.onRenderEvaluation?.(evaluation.key, provider)
          return
        }
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
