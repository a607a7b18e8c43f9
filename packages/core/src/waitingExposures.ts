import type { FlagProvider } from './evaluation'
import { createListeners } from './microtaskBatch'

/** Why a shown flag has not counted as an exposure yet. */
export type ExposureWait = 'not yet visible' | 'waiting for expose()'

/** A flag a mounted component shows but hasn't exposed yet (`expose: 'visible'` or `'manual'`). */
export interface WaitingExposure {
  /** Increases with every entry. */
  id: number
  key: string
  provider: FlagProvider | undefined
  reason: ExposureWait
  since: number
}

/**
 * The flags components show but have not exposed yet, for the overlay's Events tab: an entry
 * lives from the commit that showed the flag until it is seen (or the component unmounts).
 * A stable snapshot for `useSyncExternalStore`; listeners hear once per microtask.
 *
 * @example
 * const waiting = createWaitingExposures()
 * const done = waiting.add({ key: 'promo', provider: 'configcat', reason: 'not yet visible' })
 * done() // seen, or unmounted
 */
export function createWaitingExposures() {
  const waiting = new Map<number, WaitingExposure>()
  const listeners = createListeners()
  let nextId = 1
  let snapshot: readonly WaitingExposure[] | undefined = []
  const changed = () => {
    snapshot = undefined
    listeners.changed()
  }
  return {
    /** Adds an entry; the function returned removes it (once). */
    add(entry: Omit<WaitingExposure, 'id' | 'since'>): () => void {
      const id = nextId++
      waiting.set(id, { ...entry, id, since: Date.now() })
      changed()
      return () => {
        if (waiting.delete(id)) changed()
      }
    },
    /** Oldest first; the same array until something changes. */
    entries(): readonly WaitingExposure[] {
      snapshot ??= [...waiting.values()]
      return snapshot
    },
    subscribe: listeners.subscribe,
  }
}

export type WaitingExposures = ReturnType<typeof createWaitingExposures>
