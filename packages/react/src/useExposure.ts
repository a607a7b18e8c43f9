import { type FlagBridge, FlagBridgeError, type FlagEvaluation } from '@flagbridge/core'
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

function checkOptions({ expose = 'render', threshold, minVisibleMs }: ExposureOptions) {
  const problems: string[] = []
  let mode = expose
  if (!MODES.includes(mode)) {
    problems.push(`expose must be 'render', 'visible' or 'manual', got ${String(mode)}: 'render' is used.`)
    mode = 'render'
  }
  let visibility = DEFAULT_VISIBILITY
  if (threshold !== undefined) {
    if (typeof threshold === 'number' && threshold >= 0 && threshold <= 1)
      visibility = { ...visibility, threshold }
    else problems.push(`threshold must be a number from 0 to 1, got ${String(threshold)}: 0.5 is used.`)
  }
  if (minVisibleMs !== undefined) {
    if (typeof minVisibleMs === 'number' && Number.isFinite(minVisibleMs) && minVisibleMs >= 0)
      visibility = { ...visibility, minVisibleMs }
    else problems.push(`minVisibleMs must be a number of ms ≥ 0, got ${String(minVisibleMs)}: 1000 is used.`)
  }
  const fellBack = mode === 'visible' && !canWatchVisibility()
  return { mode: fellBack ? 'render' : mode, visibility, problem: problems.join(' '), fellBack }
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
  const { mode, visibility, problem, fellBack } = checkOptions(options)
  const seen = useRef(false)
  const committed = useRef<{ evaluation: FlagEvaluation<unknown>; track: boolean; mode: ExposeMode }>(
    undefined,
  )
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
    bridge.recordExposure(current.evaluation, { track: sent })
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
    committed.current = { evaluation, track, mode }
    record()
    if (!track || mode === 'render' || seen.current || !isServed(evaluation)) return
    const done = bridge.waiting.add({
      key: evaluation.key,
      provider: evaluation.provider,
      reason: mode === 'visible' ? 'not yet visible' : 'waiting for expose()',
    })
    stopWaiting.current = done
    return done
  }, [bridge, evaluation, track, mode, record])

  useEffect(() => {
    if (problem) bridge.report(new FlagBridgeError('INVALID_OPTIONS', `useTrackedFlag: ${problem}`))
  }, [bridge, problem])
  useEffect(() => {
    if (!fellBack || warnedNoObserver || process.env.NODE_ENV === 'production') return
    warnedNoObserver = true
    console.warn(
      "[flagbridge] expose: 'visible' needs IntersectionObserver, which this browser lacks: flags are exposed after render instead.",
    )
  }, [fellBack])

  return useMemo(() => ({ ref, expose }), [ref, expose])
}
