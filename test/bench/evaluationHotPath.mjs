// What one committed useTrackedFlag costs without React: the store snapshot read
// (getEvaluation) plus recordExposure (stats, dedup, and nothing sent when already sent),
// through a real createFlagBridge with two destinations, on the built package:
//   pnpm build && node test/bench/evaluationHotPath.mjs
// Complements test/bench/exposureHotPath.mjs (the tracker's dedup path alone).
import { createFlagBridge, createStaticVendor } from '../../packages/core/dist/index.js'
import { microseconds, sink } from './hotPath.mjs'

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

const { median, runs } = microseconds(1_000_000, (index) =>
  bridge.recordExposure(bridge.store.getEvaluation(keys[index % FLAGS], false)),
)
console.log(
  `getEvaluation + recordExposure (deduplicated): median ${median.toFixed(3)} µs, ${(1 / median).toFixed(2)} M evaluations/s ` +
    `(runs: ${runs})`,
)
console.log(`  tracker: sent ${bridge.tracker.stats.sent}, deduplicated ${bridge.tracker.stats.deduplicated}`)
