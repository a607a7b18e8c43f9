import type { FlagValue } from './evaluation'
import type { SdkEvaluation } from './vendor'

/** What LaunchDarkly reports for one flag: `variationDetail()`'s answer, or an inspector's. */
export interface LaunchDarklyDetail {
  value: unknown
  variationIndex?: number | null
  reason?: { kind?: string; errorKind?: string; ruleIndex?: number; inExperiment?: boolean } | null
}

/** An entry for LaunchDarkly's `inspectors` option that reports every `variation` call. */
export interface LaunchDarklyFlagUsedInspector {
  type: 'flag-used'
  name: string
  synchronous: true
  /** `context`: the one LaunchDarkly evaluated for (`getContext()` at the time). */
  method(key: string, detail: LaunchDarklyDetail, context?: object | null): void
}

/** Hears an app's evaluation, with the context LaunchDarkly made it for. */
type SdkEvaluationListener = (evaluation: SdkEvaluation, context: object | undefined) => void

/** LaunchDarkly's `inspectors` entries FlagBridge uses (all synchronous). */
export type LaunchDarklyInspector =
  | LaunchDarklyFlagUsedInspector
  | {
      type: 'flag-details-changed'
      name: string
      synchronous: true
      method(details: Record<string, LaunchDarklyDetail>): void
    }
  | {
      type: 'flag-detail-changed'
      name: string
      synchronous: true
      method(key: string, detail: LaunchDarklyDetail): void
    }

/**
 * The inspectors FlagBridge gives LaunchDarkly's `initialize` (inspectors can only be given at
 * creation):
 * - `flag-details-changed` / `flag-detail-changed` keep every flag's value, variation and reason
 *   as LaunchDarkly received them, so FlagBridge reads flags without calling `variationDetail()`,
 *   which LaunchDarkly would count as an evaluation (and an experiment exposure);
 * - `flag-used` relays the app's own evaluations (`tracking.sdkEvaluations`); evaluations made
 *   inside `mute()` (FlagBridge's own) are not relayed.
 *
 * @example
 * const launchDarkly = createLaunchDarklyInspectors()
 * const client = initialize(clientSideID, context, { inspectors: launchDarkly.inspectors })
 * const vendor = createLaunchDarklyVendor(client, { flagUsed: launchDarkly })
 */
export function createLaunchDarklyInspectors() {
  const listeners = new Set<SdkEvaluationListener>()
  const detailListeners = new Set<() => void>()
  const details = new Map<string, LaunchDarklyDetail>()
  /** LaunchDarkly reported its whole flag set (not just one patched flag). */
  let complete = false
  let muted = 0
  const detailsChanged = () => {
    for (const listener of [...detailListeners]) listener()
  }
  const inspector: LaunchDarklyFlagUsedInspector = {
    type: 'flag-used',
    name: 'flagbridge',
    synchronous: true,
    method(key, detail, context) {
      if (muted > 0 || listeners.size === 0) return
      const evaluation: SdkEvaluation = {
        key,
        value: detail.value as FlagValue,
        variationId: detail.variationIndex == null ? undefined : String(detail.variationIndex),
        isDefault: detail.variationIndex == null,
        ...(detail.reason?.inExperiment === true ? { inExperiment: true } : {}),
      }
      for (const listener of [...listeners]) listener(evaluation, context ?? undefined)
    },
  }
  const inspectors: LaunchDarklyInspector[] = [
    inspector,
    {
      type: 'flag-details-changed',
      name: 'flagbridge-details',
      synchronous: true,
      method(all) {
        details.clear()
        for (const [key, detail] of Object.entries(all)) details.set(key, detail)
        complete = true
        detailsChanged()
      },
    },
    {
      type: 'flag-detail-changed',
      name: 'flagbridge-detail',
      synchronous: true,
      method(key, detail) {
        details.set(key, detail)
        detailsChanged()
      },
    },
  ]
  return {
    inspectors,
    /** The `flag-used` inspector alone. */
    inspector,
    /** A flag's detail as LaunchDarkly last reported it; `undefined` before any report (bootstrap). */
    detail: (key: string): LaunchDarklyDetail | undefined => details.get(key),
    /** Whether LaunchDarkly has reported its whole flag set yet (then a key it didn't report is unknown). */
    hasDetails: () => complete,
    /** Hears about every details report. */
    subscribeDetails(listener: () => void) {
      detailListeners.add(listener)
      return () => {
        detailListeners.delete(listener)
      }
    },
    subscribe(listener: SdkEvaluationListener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    mute<T>(evaluate: () => T): T {
      muted++
      try {
        return evaluate()
      } finally {
        muted--
      }
    },
  }
}

export type LaunchDarklyInspectors = ReturnType<typeof createLaunchDarklyInspectors>

/** @deprecated Use {@link createLaunchDarklyInspectors} (and pass all of `.inspectors`). */
export const createFlagUsedInspector = createLaunchDarklyInspectors
export type FlagUsedInspector = LaunchDarklyInspectors
