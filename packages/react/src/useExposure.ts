import { type FlagBridge, FlagBridgeError, type FlagEvaluation } from '@flagbridge/core/engine'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { canWatchVisibility, DEFAULT_VISIBILITY, watchVisibility } from './watchVisibility'

/**
 * When a shown flag counts as an exposure: `'render'` after commit, `'visible'` once its element
 * has been in view, `'manual'` once `expose()` is called.
 */
export type ExposeMode = 'render' | 'visible' | 'manual'

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
let warnedNoObserver = false
let warnedNoReasons = false

const isShare = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1
const isDuration = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY

/** The options as used: a refused one is replaced by its default and named in `problem`. */
function checkOptions({
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
      ? `useTrackedFlag: expose ${String(expose)}, threshold ${String(threshold)}, minVisibleMs ${String(minVisibleMs)}, exposures ${String(exposures)} must be 'render' | 'visible' | 'manual', 0–1, ms ≥ 0 and 'all' | 'experiments': ${mode}, ${share}, ${ms}, ${String(scope)} are used.`
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

/** A value a vendor served: the only kind that becomes an exposure. */
function isServed(evaluation: FlagEvaluation<unknown>): boolean {
  return (
    !evaluation.loading && !evaluation.error && evaluation.provider !== undefined && !evaluation.isDefault
  )
}

/**
 * Records what a committed component shows: counted for the overlay at once, sent as an exposure
 * once it is seen (after commit, when its element has been visible, or at `expose()`), in each
 * case once per snapshot, StrictMode's double effects included. Until then the overlay lists it
 * as waiting.
 */
export function useExposure(
  bridge: FlagBridge,
  evaluation: FlagEvaluation<unknown>,
  options: ExposureOptions,
): ExposeControls {
  const track = options.track ?? true
  const { mode, visibility, scope, problem, fellBack } = checkOptions(options)
  const seen = useRef(false)
  const committed = useRef<{
    evaluation: FlagEvaluation<unknown>
    track: boolean
    mode: ExposeMode
    scope: 'all' | 'experiments' | undefined
  }>(undefined)
  const recorded = useRef<{ evaluation: FlagEvaluation<unknown>; sent: boolean } | undefined>(undefined)
  const stopWaiting = useRef<(() => void) | undefined>(undefined)
  const stopWatching = useRef<(() => void) | undefined>(undefined)

  const record = useCallback(() => {
    const current = committed.current
    if (!current) return
    const sent = current.track && (current.mode === 'render' || seen.current)
    const last = recorded.current
    // Each snapshot once, and again only if it may now be sent where it wasn't before.
    if (last?.evaluation === current.evaluation && (last.sent || !sent)) return
    recorded.current = { evaluation: current.evaluation, sent }
    bridge.recordExposure(current.evaluation, { track: sent, exposures: current.scope })
  }, [bridge])

  const expose = useCallback(() => {
    if (seen.current) return
    seen.current = true
    stopWatching.current?.()
    stopWaiting.current?.()
    record()
  }, [record])

  const { threshold, minVisibleMs } = visibility
  const ref = useCallback(
    (element: Element | null) => {
      stopWatching.current?.()
      stopWatching.current = undefined
      if (element && mode === 'visible' && !seen.current)
        stopWatching.current = watchVisibility(element, { threshold, minVisibleMs }, expose)
    },
    [mode, threshold, minVisibleMs, expose],
  )

  useEffect(() => {
    committed.current = { evaluation, track, mode, scope }
    record()
    if (!track || mode === 'render' || seen.current || !isServed(evaluation)) return
    const done = bridge.waiting.add({
      key: evaluation.key,
      provider: evaluation.provider,
      reason: mode === 'visible' ? 'not yet visible' : 'waiting for expose()',
    })
    stopWaiting.current = done
    return done
  }, [bridge, evaluation, track, mode, scope, record])

  useEffect(() => {
    if (problem) bridge.report(new FlagBridgeError('INVALID_OPTIONS', problem))
  }, [bridge, problem])
  const unreasoned =
    evaluation.provider === 'launchdarkly' &&
    evaluation.reason === undefined &&
    isServed(evaluation) &&
    (scope ?? bridge.tracking().exposures) === 'experiments'
  useEffect(() => {
    if (!unreasoned || warnedNoReasons || process.env.NODE_ENV === 'production') return
    warnedNoReasons = true
    console.warn(
      "[flagbridge] exposures: 'experiments' needs LaunchDarkly's evaluation reasons (evaluationReasons: true, and reasons in a bootstrap), or no LaunchDarkly flag counts as an experiment: this one came without.",
    )
  }, [unreasoned])
  useEffect(() => {
    if (!fellBack || warnedNoObserver || process.env.NODE_ENV === 'production') return
    warnedNoObserver = true
    console.warn(
      "[flagbridge] expose: 'visible' needs IntersectionObserver, which this browser lacks: flags are exposed after render instead.",
    )
  }, [fellBack])

  return useMemo(() => ({ ref, expose }), [ref, expose])
}
