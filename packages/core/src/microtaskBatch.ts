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
