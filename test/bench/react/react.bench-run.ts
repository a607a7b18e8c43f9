// React benchmarks 1, 2 and 4 of issue 7, in jsdom, each library over its real SDK client:
//   npx vitest run -c test/bench/react/vitest.config.ts
// Sizes and runs: BENCH_COMPONENTS (1000), BENCH_FLAGS (50), BENCH_RUNS (11).
// Prints Markdown tables and writes .vitest-artifacts/bench-react.md and .json.
// The same measurements run in Chromium: test/bench/browser/ (pnpm bench:browser).
import { mkdirSync, writeFileSync } from 'node:fs'
import { it } from 'vitest'
import { type BenchSize, measureCached, measureChange, measureMount } from './measure'
import { changeSection, firstRenderSection, mountSection, type ReactBenchResults } from './report'

const size: BenchSize = {
  components: Number(process.env.BENCH_COMPONENTS ?? 1000),
  flags: Number(process.env.BENCH_FLAGS ?? 50),
  runs: Number(process.env.BENCH_RUNS ?? 11),
}

it(`React: ${size.components} components × ${size.flags} flags, ${size.runs} runs`, async () => {
  const output: string[] = []
  const print = (text: string) => {
    output.push(text)
    console.log(text)
  }

  // 1. Mount, and 4. default flashes with the config already there (overrides / bootstrap).
  const mount = await measureMount(size)
  print(mountSection({ ...size, mount }))

  // 4. with ConfigCat's config in its cache (a returning visitor) rather than in overrides.
  const cached = await measureCached(size)
  print(firstRenderSection({ ...size, mount, cached }))

  // 2. One flag changes.
  const change = await measureChange(size)
  print(changeSection({ ...size, change }))

  const results: ReactBenchResults = { ...size, react: process.env.NODE_ENV, mount, cached, change }
  mkdirSync('.vitest-artifacts', { recursive: true })
  writeFileSync('.vitest-artifacts/bench-react.json', JSON.stringify(results, null, 2))
  writeFileSync('.vitest-artifacts/bench-react.md', output.join('\n'))
})
