/**
 * Returns a function that schedules `run` for the end of the current microtask, however often
 * it is called before then: many changes in one tick, one notification.
 *
 * @example
 * const notify = batchPerMicrotask(() => listeners.forEach((listener) => listener()))
 * notify(); notify() // listeners hear once
 */
export function batchPerMicrotask(run: () => void): () => void {
  let scheduled = false
  return () => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      run()
    })
  }
}

/**
 * Listeners told once per microtask that something changed: the stores the overlay reads with
 * `useSyncExternalStore` (event log, waiting exposures).
 *
 * @example
 * const listeners = createListeners()
 * listeners.subscribe(() => render())
 * listeners.changed(); listeners.changed() // render runs once
 */
export function createListeners() {
  const listeners = new Set<() => void>()
  const notify = batchPerMicrotask(() => {
    for (const listener of [...listeners]) listener()
  })
  return {
    changed() {
      if (listeners.size > 0) notify()
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
