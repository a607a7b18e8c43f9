// Mount benchmark 1 alone, for two libraries, in jsdom: the counterpart of
// test/bench/browser/mounts.bench-run.ts (same variables), for a quick A/B while working on mount speed.
//   BENCH_MOUNTS=1 pnpm bench:react test/bench/react/mounts.bench-run.ts
// BENCH_ORDER=blocks mounts each entry BENCH_RUNS times in a row instead of round by round.
// BENCH_PROFILE=1 also records each measured mount (root.render until every value shows) with V8's
// CPU profiler (node:inspector) into .vitest-artifacts/profile-jsdom-<library>/<run>.cpuprofile.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'
import { it } from 'vitest'
import { type BenchSize, mountOnce } from './measure'
import { median } from './report'
import type { Library } from './scenarios'

const size: BenchSize = {
  components: Number(process.env.BENCH_COMPONENTS ?? 1000),
  flags: Number(process.env.BENCH_FLAGS ?? 50),
  runs: Number(process.env.BENCH_RUNS ?? 31),
}
const pair = (process.env.BENCH_PAIR ?? 'launchdarkly-react,flagbridge+launchdarkly').split(',') as Library[]
/**
 * BENCH_VARIANTS=a,b: experiments within one page. Each variant is one more entry, the second library
 * mounted with `globalThis.benchVariant` set to its name (code under test may read it); '' is none.
 */
const entries: Array<{ name: string; library: Library; variant: string }> = [
  ...pair.map((library) => ({ name: library, library, variant: '' })),
  ...(process.env.BENCH_VARIANTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((variant) => ({ name: `${pair[1]}@${variant}`, library: pair[1]!, variant })),
]

/** console.profile / profileEnd (what the scenarios call) as V8 CPU profiles, in memory. */
function cpuProfiler() {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 100 })
  const profiles = new Map<string, unknown>()
  const original = { profile: console.profile, profileEnd: console.profileEnd }
  console.profile = () => session.post('Profiler.start')
  console.profileEnd = (name?: string) =>
    session.post('Profiler.stop', (error, result) => {
      if (!error) profiles.set(name ?? '', result.profile)
    })
  return {
    profiles,
    stop() {
      Object.assign(console, original)
      session.disconnect()
    },
  }
}

it.runIf(process.env.BENCH_MOUNTS)(`mount in jsdom: ${pair.join(' vs ')}`, async () => {
  const profiler = process.env.BENCH_PROFILE ? cpuProfiler() : undefined
  const times = new Map<string, number[]>(entries.map(({ name }) => [name, []]))
  try {
    const blocks = process.env.BENCH_ORDER === 'blocks'
    for (let round = -1; round < (blocks ? 1 : size.runs); round++) {
      for (const { name: entry, library, variant } of round % 2 === 0 ? entries : [...entries].reverse())
        for (let repeat = 0; repeat < (blocks && round >= 0 ? size.runs : 1); repeat++) {
          const name = profiler && round >= 0 ? `${entry} ${times.get(entry)!.length}` : undefined
          ;(globalThis as { benchVariant?: string }).benchVariant = variant
          const { ms } = await mountOnce(size, library, 'overrides', name)
          if (round >= 0) times.get(entry)!.push(ms)
        }
    }
  } finally {
    profiler?.stop()
  }
  const baseline = median(times.get(pair[0]!)!)
  for (const [entry, runs] of times)
    console.log(
      `jsdom ${entry}: median ${median(runs).toFixed(2)} ms, ${(median(runs) / baseline).toFixed(2)}× ${pair[0]}`,
    )
  if (!profiler) return
  for (const { name: entry } of entries) {
    const dir = join('.vitest-artifacts', `profile-jsdom-${entry.replace('+', '-')}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    for (const [name, profile] of profiler.profiles)
      if (name.startsWith(`${entry} `))
        writeFileSync(join(dir, `${name.split(' ')[1]}.cpuprofile`), JSON.stringify(profile))
  }
})
