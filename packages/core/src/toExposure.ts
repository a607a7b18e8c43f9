import type { FlagEvaluation, FlagValue } from './evaluation'
import { valueToText } from './evaluation'
import type { Exposure } from './exposure'
import type { FlagBridgeUser } from './user'

// What a page needs before tracking loads (the bridge records, the deferred tracker dedupes); the
// payload builders in ./exposure load with the tracking chunk.

/**
 * Turns a committed evaluation into an exposure, or `undefined` when it isn't one: loading,
 * failed, or a default for a key the vendor doesn't serve (a typo or a deleted flag is not an experiment).
 * Overrides are exposures; the tracker decides whether to send them.
 */
export function toExposure(
  evaluation: FlagEvaluation<unknown>,
  user: FlagBridgeUser | undefined,
): Exposure | undefined {
  if (evaluation.loading || evaluation.error || !evaluation.provider) return undefined
  if (evaluation.isDefault && !evaluation.overridden) return undefined
  const exposure: Exposure = {
    key: evaluation.key,
    value: evaluation.value as FlagValue,
    variationId: evaluation.variationId,
    provider: evaluation.provider,
    user,
    overridden: evaluation.overridden,
  }
  if (evaluation.inExperiment) exposure.inExperiment = true
  return exposure
}

/**
 * Dedup key: identity + provider + flag key + (variation id or value), and whether it was
 * overridden: an override never stands in for the vendor's own value (nor the reverse).
 */
export function exposureKey(exposure: Exposure): string {
  const variant = exposure.variationId ?? `=${valueToText(exposure.value)}`
  return `${exposure.user?.id ?? ''}\u0001${exposure.provider}\u0001${exposure.key}\u0001${variant}${exposure.overridden ? '\u0001o' : ''}`
}
