// What one committed useTrackedFlag costs without React: the store snapshot read
// (getEvaluation) plus recordExposure (stats, dedup, and nothing sent when already sent),
// through a real createFlagBridge with two destinations, on the built package:
//   pnpm build && node test/bench/evaluationHotPath.mjs
// Complements test/bench/exposureHotPath.mjs (the tracker's dedup path alone).
import { createFlagBridge, createStaticVendor } from '../../packages/core/dist/index.js'

const sink = (name) => ({
  name,
  state: () => ({ status: 'ready' }),
  subscribe: () => () => {},
  describe: () => ({ name: 'track', payload: undefined }),
  send: () => {},
})
const FLAGS = 50
const flags = {}
for (let flag = 0; flag < FLAGS; flag++)
  flags[`flag-${flag}`] = { value: flag % 2 === 0, variationId: `var-${flag}` }
const bridge = createFlagBridge({
  vendors: { configcat: createStaticVendor('configcat', flags) },
  destinations: [sink('segment'), sink('heap')],
  user: { id: 'user-1' },
  tracking: { dedupe: 'page' },
})
const keys = Object.keys(flags)
for (const key of keys) bridge.recordExposure(bridge.store.getEvaluation(key, false))

const EVALUATIONS = 1_000_000
const runs = []
for (let run = 0; run < 10; run++) {
  const start = process.hrtime.bigint()
  for (let index = 0; index < EVALUATIONS; index++) {
    bridge.recordExposure(bridge.store.getEvaluation(keys[index % FLAGS], false))
  }
  runs.push(Number(process.hrtime.bigint() - start) / 1_000 / EVALUATIONS)
}
runs.sort((a, b) => a - b)
const median = (runs[4] + runs[5]) / 2
console.log(
  `getEvaluation + recordExposure (deduplicated): median ${median.toFixed(3)} µs, ${(1 / median).toFixed(2)} M evaluations/s ` +
    `(runs: ${runs.map((run) => run.toFixed(3)).join(', ')})`,
)
console.log(`  tracker: sent ${bridge.tracker.stats.sent}, deduplicated ${bridge.tracker.stats.deduplicated}`)
