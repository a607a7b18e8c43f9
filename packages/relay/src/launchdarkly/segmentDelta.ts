/** Context keys to add to and remove from a segment. */
export interface SegmentDelta {
  add: readonly string[]
  remove: readonly string[]
}

/**
 * What changed between the last synced member list and the current one.
 *
 * @example
 * computeSegmentDelta(['a', 'b'], ['b', 'c']) // { add: ['c'], remove: ['a'] }
 */
export function computeSegmentDelta(previous: Iterable<string>, current: Iterable<string>): SegmentDelta {
  const before = new Set(previous)
  const after = new Set(current)
  return {
    add: [...after].filter((key) => !before.has(key)),
    remove: [...before].filter((key) => !after.has(key)),
  }
}
