import type { FlagBridge, FlagEvaluation } from '@flagbridge/core/engine'
import { type VisibilityOptions, watchVisibility } from './watchVisibility'

/**
 * When a shown flag counts as an exposure: `'render'` after commit, `'visible'` once its element
 * has been in view, `'manual'` once `expose()` is called.
 */
export type ExposeMode = 'render' | 'visible' | 'manual'

/** What a committed component shows, and how its exposure is to be sent. */
export interface CommittedRead extends VisibilityOptions {
  evaluation: FlagEvaluation<unknown>
  track: boolean
  mode: ExposeMode
  scope: 'all' | 'experiments' | undefined
}

/** A value a vendor served: the only kind that becomes an exposure. */
export function isServed(evaluation: FlagEvaluation<unknown>): boolean {
  return (
    !evaluation.loading && !evaluation.error && evaluation.provider !== undefined && !evaluation.isDefault
  )
}

/**
 * One `useTrackedFlag` call's exposure, as plain state the hook keeps for the component's life:
 * `commit()` from the hook's one effect, `ref` and `expose` handed to the app (stable, so they
 * never re-render anything). Each snapshot is recorded once (StrictMode's double effects
 * included) and sent once it is seen: after commit, once its element has been visible, or at
 * `expose()`. Until then the overlay lists it as waiting.
 */
export function createExposureSlot(bridge: FlagBridge) {
  let committed: CommittedRead | undefined
  let recorded: { evaluation: FlagEvaluation<unknown>; sent: boolean } | undefined
  let seen = false
  let element: Element | null = null
  let watching: { stop: () => void; threshold: number; minVisibleMs: number } | undefined
  let stopWaiting: (() => void) | undefined

  const record = () => {
    if (!committed) return
    const sent = committed.track && (committed.mode === 'render' || seen)
    // Each snapshot once, and again only if it may now be sent where it wasn't before.
    const counted = recorded?.evaluation === committed.evaluation
    if (counted && (recorded!.sent || !sent)) return
    recorded = { evaluation: committed.evaluation, sent }
    bridge.recordExposure(committed.evaluation, { track: sent, exposures: committed.scope, counted })
  }
  const stopWatching = () => {
    watching?.stop()
    watching = undefined
  }
  /** Watches the element with the committed options (again when they changed). */
  const watch = () => {
    if (committed?.mode !== 'visible' || seen || !element) return stopWatching()
    const { threshold, minVisibleMs } = committed
    if (watching?.threshold === threshold && watching.minVisibleMs === minVisibleMs) return
    stopWatching()
    watching = {
      stop: watchVisibility(element, { threshold, minVisibleMs }, expose),
      threshold,
      minVisibleMs,
    }
  }
  const expose = () => {
    if (seen) return
    seen = true
    stopWatching()
    stopWaiting?.()
    record()
  }

  return {
    expose,
    ref(next: Element | null) {
      if (next === element) return
      stopWatching()
      element = next
      watch()
    },
    /** After commit: records what is shown; returns what ends its wait in the overlay. */
    commit(read: CommittedRead): (() => void) | undefined {
      // Seen is per flag and user: another key (or a sign-in) in the same component starts unseen.
      const before = committed?.evaluation
      if (before && (before.key !== read.evaluation.key || before.user !== read.evaluation.user)) {
        seen = false
        stopWatching()
      }
      committed = read
      record()
      watch()
      if (!read.track || read.mode === 'render' || seen || !isServed(read.evaluation)) return undefined
      stopWaiting = bridge.waiting.add({
        key: read.evaluation.key,
        provider: read.evaluation.provider,
        reason: read.mode === 'visible' ? 'not yet visible' : 'waiting for expose()',
      })
      return stopWaiting
    },
  }
}

export type ExposureSlot = ReturnType<typeof createExposureSlot>
