// What the Node hot-path benchmarks share: destinations that take everything and send nothing,
// and the timing loop (median of 10 runs of `count` calls, in µs per call).

/** A ready destination that sends nothing: what is measured is FlagBridge's own work. */
export const sink = (name) => ({
  name,
  state: () => ({ status: 'ready' }),
  subscribe: () => () => {},
  describe: () => ({ name: 'track', payload: undefined }),
  send: () => {},
})

/** Times `call(index)` over `count` indices, 10 times; returns the median and every run, µs per call. */
export function microseconds(count, call) {
  const runs = []
  for (let run = 0; run < 10; run++) {
    const start = process.hrtime.bigint()
    for (let index = 0; index < count; index++) call(index)
    runs.push(Number(process.hrtime.bigint() - start) / 1_000 / count)
  }
  runs.sort((a, b) => a - b)
  return { median: (runs[4] + runs[5]) / 2, runs: runs.map((run) => run.toFixed(3)).join(', ') }
}
