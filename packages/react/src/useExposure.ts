import { type FlagBridge, FlagBridgeError, type FlagEvaluation } from '@flagbridge/core/engine'
import { useEffect, useState } from 'react'
import { createExposureSlot, type ExposeMode, isServed } from './exposureSlot'
import { canWatchVisibility, DEFAULT_VISIBILITY } from './watchVisibility'

export type { ExposeMode } from './exposureSlot'

/** The options of `useTrackedFlag` that decide when (and whether) an exposure is sent. */
export interface ExposureOptions {
  /** Send this flag's exposures to analytics. Default `true`. */
  track?: boolean
  /** When the flag counts as seen. Default `'render'`. */
  expose?: ExposeMode
  /** `expose: 'visible'`: the share of the element (0–1) that must be in view. Default 0.5. */
  threshold?: number
  /** `expose: 'visible'`: how long it must stay in view, in ms. Default 1,000. */
  minVisibleMs?: number
  /** Overrides `tracking.exposures` for this read: `'experiments'` sends it only when served in an experiment. */
  exposures?: 'all' | 'experiments'
}

/** What `useTrackedFlag` adds for `expose: 'visible'` and `'manual'`. */
export interface ExposeControls {
  /** `expose: 'visible'`: attach to the element that shows the flag. */
  ref: (element: Element | null) => void
  /** Counts the flag as seen now (a menu opened, a button clicked); once per mount, later calls do nothing. */
  expose: () => void
}

const MODES: readonly ExposeMode[] = ['render', 'visible', 'manual']
/** `useTrackedFlag(key, default)` without options: checked once, for every such call. */
export const NO_OPTIONS: ExposureOptions = Object.freeze({})
let warnedNoObserver = false
let warnedNoReasons = false

const isShare = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1
const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY

/** The options as used: a refused one is replaced by its default and named in `problem`. */
const checkOptions = (options: ExposureOptions) =>
  options === NO_OPTIONS ? DEFAULTS : checkGivenOptions(options)

function checkGivenOptions({
  expose = 'render',
  threshold = 0.5,
  minVisibleMs = 1_000,
  exposures,
}: ExposureOptions) {
  const mode = MODES.includes(expose) ? expose : 'render'
  const share = isShare(threshold) ? threshold : DEFAULT_VISIBILITY.threshold
  const ms = isDuration(minVisibleMs) ? minVisibleMs : DEFAULT_VISIBILITY.minVisibleMs
  const scope = exposures === 'all' || exposures === 'experiments' ? exposures : undefined
  const problem =
    mode !== expose || share !== threshold || ms !== minVisibleMs || scope !== exposures
      ? process.env.NODE_ENV !== 'production'
        ? `useTrackedFlag: expose ${String(expose)}, threshold ${String(threshold)}, minVisibleMs ${String(minVisibleMs)}, exposures ${String(exposures)} must be 'render' | 'visible' | 'manual', 0–1, ms ≥ 0 and 'all' | 'experiments': ${mode}, ${share}, ${ms}, ${String(scope)} are used.`
        : `useTrackedFlag options: ${String(expose)}, ${String(threshold)}, ${String(minVisibleMs)}, ${String(exposures)}`
      : ''
  const fellBack = mode === 'visible' && !canWatchVisibility()
  return {
    mode: fellBack ? 'render' : mode,
    visibility: { threshold: share, minVisibleMs: ms },
    scope,
    problem,
    fellBack,
  }
}
const DEFAULTS = /* @__PURE__ */ checkGivenOptions({})

/**
 * Records what a committed component shows: counted for the overlay at once, sent as an exposure
 * once it is seen (after commit, when its element has been visible, or at `expose()`), in each
 * case once per snapshot, StrictMode's double effects included. Until then the overlay lists it
 * as waiting.
 */
export function useExposure(
  bridge: FlagBridge,
  evaluation: FlagEvaluation<unknown>,
  options: ExposureOptions = NO_OPTIONS,
): ExposeControls {
  const track = options.track ?? true
  const { mode, visibility, scope, problem, fellBack } = checkOptions(options)
  const { threshold, minVisibleMs } = visibility
  // One plain object per component, one effect: a page of a thousand flags stays cheap to mount.
  const [slot] = useState(() => createExposureSlot(bridge))
  // For a development warning only (an invalid tracking.exposures is 'all', the default).
  const unreasoned =
    process.env.NODE_ENV !== 'production' &&
    evaluation.provider === 'launchdarkly' &&
    evaluation.reason === undefined &&
    isServed(evaluation) &&
    (scope ?? bridge.trackingOptions()?.exposures) === 'experiments'

  useEffect(() => {
    if (problem) bridge.report(new FlagBridgeError('INVALID_OPTIONS', problem))
    if (process.env.NODE_ENV !== 'production') warnOnce(unreasoned, fellBack)
    return slot.commit({ evaluation, track, mode, scope, threshold, minVisibleMs })
  }, [bridge, slot, evaluation, track, mode, scope, threshold, minVisibleMs, problem, unreasoned, fellBack])

  return slot
}

function warnOnce(unreasoned: boolean, fellBack: boolean) {
  if (unreasoned && !warnedNoReasons) {
    warnedNoReasons = true
    console.warn(
      "[flagbridge] exposures: 'experiments' needs LaunchDarkly's evaluation reasons (evaluationReasons: true, and reasons in a bootstrap), or no LaunchDarkly flag counts as an experiment: this one came without.",
    )
  }
  if (fellBack && !warnedNoObserver) {
    warnedNoObserver = true
    console.warn(
      "[flagbridge] expose: 'visible' needs IntersectionObserver, which this browser lacks: flags are exposed after render instead.",
    )
  }
}
