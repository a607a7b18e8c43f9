// Hot path and memory bound of the exposure dedup ledger, on the built package:
//   pnpm --filter @flagbridge/core build && node --expose-gc test/bench/exposureHotPath.mjs
import { createExposureLedger, createExposureTracker, exposureKey } from '../../packages/core/dist/index.js'
import { microseconds, sink } from './hotPath.mjs'

const user = { id: 'user-1' }
const exposures = Array.from({ length: 50 }, (_, index) => ({
  key: `flag-${index}`,
  value: index % 2 === 0,
  variationId: `var-${index}`,
  provider: 'configcat',
  user,
  overridden: false,
}))

// 1. µs per deduplicated exposure: median of 10 runs of 1,000,000 records.
const tracker = createExposureTracker({ destinations: [sink('segment'), sink('heap')], dedupe: 'page' })
tracker.identify(user)
for (const exposure of exposures) tracker.record(exposure)
const { median, runs } = microseconds(1_000_000, (index) => tracker.record(exposures[index % 50]))
console.log(`deduplicated exposure: median ${median.toFixed(3)} µs (runs: ${runs})`)
console.log(`  sent ${tracker.stats.sent}, deduplicated ${tracker.stats.deduplicated}`)

// 2. Ledger memory bound: 1,000,000 evaluations over 10,000 distinct flag×user keys.
const gc = globalThis.gc ?? (() => {})
if (!globalThis.gc) console.log('  (run with --expose-gc for exact heap figures)')
const users = Array.from({ length: 100 }, (_, index) => ({ id: `user-${index}` }))
const keys = Array.from({ length: 100 }, (_, index) => `flag-${index}`)
for (const maxEntries of [10_000, 2_000]) {
  const ledger = createExposureLedger({ scope: 'page', maxEntries })
  ledger.setIdentity(null, ['segment'])
  gc()
  const before = process.memoryUsage().heapUsed
  let sends = 0
  for (let index = 0; index < 1_000_000; index++) {
    const key = exposureKey({
      key: keys[Math.floor(index / 100) % 100],
      value: true,
      variationId: 'var-on',
      provider: 'launchdarkly',
      user: users[index % 100],
      overridden: false,
    })
    if (ledger.taken(key) === 0) {
      ledger.take(key, 0)
      sends++
    }
  }
  gc()
  const after = process.memoryUsage().heapUsed
  console.log(
    `ledger maxEntries ${maxEntries}: 1,000,000 evaluations over 10,000 keys → size ${ledger.size()}, sends ${sends}; heap used before ${(before / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB`,
  )
}
