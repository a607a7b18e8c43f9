import { useEffect, useReducer } from 'react'

type Subscribe = (listener: () => void) => () => void

/**
 * Re-renders the caller whenever any of `sources` reports a change; returns a counter to
 * key memoized reads on. `sources` must be stable (memoize the array).
 */
export function useChangeTick(sources: readonly Subscribe[]): number {
  const [tick, bump] = useReducer((count: number) => count + 1, 0)
  useEffect(() => {
    const unsubscribes = sources.map((subscribe) => {
      try {
        return subscribe(bump)
      } catch {
        return () => {}
      }
    })
    // Something may have changed between render and subscribing.
    bump()
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe()
    }
  }, [sources])
  return tick
}
