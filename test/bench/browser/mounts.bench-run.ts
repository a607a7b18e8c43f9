// Mount benchmark 1 alone, for two libraries, in Chromium and in jsdom: a quick A/B while working on
// mount speed (the full tables come from `pnpm bench:browser` and `pnpm bench:react`).
//   BENCH_MOUNTS=1 pnpm bench:browser test/bench/browser/mounts.bench-run.ts
// BENCH_PAIR (default launchdarkly-react,flagbridge+launchdarkly), BENCH_RUNS (31), BENCH_COMPONENTS,
// BENCH_FLAGS. Rounds alternate the order after a warm-up round, as in measure.ts's rounds().
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { it } from 'vitest'
import { chromiumLaunchOptions } from '../../support/chromium'
import type { BenchSize } from '../react/measure'
import { median } from '../react/report'
import type { Library } from '../react/scenarios'
import { buildPage, serve } from './benchPage'

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

it.runIf(process.env.BENCH_MOUNTS)(`mount in Chromium: ${pair.join(' vs ')}`, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'flagbridge-bench-mounts-'))
  let server: Awaited<ReturnType<typeof serve>> | undefined
  let browser: Browser | undefined
  try {
    await buildPage(outDir)
    server = await serve(outDir)
    browser = await chromium.launch(chromiumLaunchOptions())
    const context = await browser.newContext()
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort('blockedbyclient'),
    )
    const page = await context.newPage()
    await page.goto(`${server.origin}/`)
    await page.waitForFunction(() => window.flagbridgeBench !== undefined)
    const times = new Map<string, number[]>(entries.map(({ name }) => [name, []]))
    for (let round = -1; round < size.runs; round++) {
      for (const { name: entry, library, variant } of round % 2 === 0 ? entries : [...entries].reverse()) {
        const ms = await page.evaluate(
          ([size, library, variant]) => {
            ;(globalThis as { benchVariant?: string }).benchVariant = variant
            return window.flagbridgeBench!.mountOnce(size, library)
          },
          [size, library, variant] as const,
        )
        if (round >= 0) times.get(entry)!.push(ms)
      }
    }
    const baseline = median(times.get(pair[0]!)!)
    for (const [entry, runs] of times)
      console.log(
        `Chromium ${entry}: median ${median(runs).toFixed(2)} ms, ${(median(runs) / baseline).toFixed(2)}× ${pair[0]}`,
      )
  } finally {
    await browser?.close()
    await server?.close()
    rmSync(outDir, { recursive: true, force: true })
  }
})
