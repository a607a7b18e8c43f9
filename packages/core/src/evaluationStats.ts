import type { FlagEvaluation } from './evaluation'
import { createListeners } from './microtaskBatch'

/** How often and when a key was last evaluated by a committed component. */
export interface EvaluationStats {
  count: number
  lastEvaluatedAt: number
  last: FlagEvaluation<unknown>
}

/** What the overlay shows per flag: evaluations by committed components, counted. */
export function createEvaluationStats() {
  const stats = new Map<string, EvaluationStats>()
  const listeners = createListeners()
  return {
    record(evaluation: FlagEvaluation<unknown>) {
      const previous = stats.get(evaluation.key)
      stats.set(evaluation.key, {
        count: (previous?.count ?? 0) + 1,
        lastEvaluatedAt: Date.now(),
        last: evaluation,
      })
      listeners.changed()
    },
    all: (): ReadonlyMap<string, EvaluationStats> => stats,
    /** Calls `listener` (at most once per microtask) after the stats changed. */
    subscribe: listeners.subscribe,
  }
}
