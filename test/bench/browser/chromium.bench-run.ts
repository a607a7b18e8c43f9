// React benchmarks 1, 2 and 4 in real Chromium: the jsdom run's scenarios and measurements
// (test/bench/react/scenarios.ts, measure.ts) built by Vite into ./page in production mode
// (React's production build), served on 127.0.0.1, opened in Debian's headless Chromium through
// playwright-core; every request that is not for 127.0.0.1 is aborted. The page measures, Node
// prints the jsdom run's tables (test/bench/react/report.ts), titled "Chromium":
//   pnpm bench:browser         (BENCH_COMPONENTS 1000, BENCH_FLAGS 50, BENCH_RUNS 11)
// Writes .vitest-artifacts/bench-react-chromium.md and .json; when .vitest-artifacts/bench-react.json
// (the jsdom run) has the same sizes, also compares the render counts: FlagBridge's must be identical.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { expect, it } from 'vitest'
import { CHROMIUM_PATH, chromiumLaunchOptions } from '../../support/chromium'
import type { BenchSize } from '../react/measure'
import {
  changeSection,
  firstRenderSection,
  mountSection,
  type ReactBenchResults,
  renderCountsSection,
} from '../react/report'
import { buildPage, serve } from './benchPage'
import type { PageResults } from './page/main'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const artifacts = join(repo, '.vitest-artifacts')
const size: BenchSize = {
  components: Number(process.env.BENCH_COMPONENTS ?? 1000),
  flags: Number(process.env.BENCH_FLAGS ?? 50),
  runs: Number(process.env.BENCH_RUNS ?? 11),
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

// `pnpm bench:profile` runs profile.bench-run.ts instead (BENCH_PROFILE=1).
it.skipIf(process.env.BENCH_PROFILE)(
  `React in Chromium: ${size.components} components × ${size.flags} flags, ${size.runs} runs`,
  async () => {
    const started = performance.now()
    const output: string[] = []
    const print = (text: string) => {
      output.push(text)
      console.log(text)
    }
    const outDir = mkdtempSync(join(tmpdir(), 'flagbridge-bench-page-'))
    let server: Awaited<ReturnType<typeof serve>> | undefined
    let browser: Browser | undefined
    const aborted: string[] = []
    const otherRequests: string[] = []
    const pageErrors: string[] = []
    try {
      await buildPage(outDir)
      const built = performance.now()
      console.log(`built the page (Vite, production) in ${seconds(built - started)}`)
      server = await serve(outDir)
      const { origin } = server

      browser = await chromium.launch(chromiumLaunchOptions())
      const context = await browser.newContext()
      await context.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => {
          aborted.push(route.request().url())
          return route.abort('blockedbyclient')
        },
      )
      const page = await context.newPage()
      page.on('request', (request) => {
        if (!request.url().startsWith(`${origin}/`)) otherRequests.push(request.url())
      })
      page.on('pageerror', (error) => pageErrors.push(error.message))
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`)
      })
      await page.exposeFunction('benchProgress', (line: string) => console.log(`  [chromium] ${line}`))
      await page.goto(`${origin}/`)
      await page.waitForFunction(() => window.flagbridgeBench !== undefined)
      expect(await page.evaluate(() => window.flagbridgeBench!.react)).toBe('production')

      const results: PageResults = await page.evaluate((size) => window.flagbridgeBench!.run(size), size)
      const measured = performance.now()
      const version = browser.version()

      print(
        `\nChromium ${version} (${CHROMIUM_PATH}, headless), React ${results.react} build made by Vite, ` +
          `page cross-origin isolated: ${results.crossOriginIsolated ? 'yes' : 'no'}; ` +
          `measured in ${seconds(measured - built)}.`,
      )
      const where = { where: ' (Chromium)' }
      print(mountSection(results, where))
      print(firstRenderSection(results, where))
      print(changeSection(results, where))

      const jsdomFile = join(artifacts, 'bench-react.json')
      const jsdom: ReactBenchResults | undefined = existsSync(jsdomFile)
        ? JSON.parse(readFileSync(jsdomFile, 'utf8'))
        : undefined
      let countsDiffer: string[] | undefined
      if (jsdom && jsdom.components === size.components && jsdom.flags === size.flags) {
        const counts = renderCountsSection(['jsdom', 'Chromium'], jsdom, results)
        countsDiffer = counts.differ
        print(counts.markdown)
        if (counts.differ.some((key) => !key.startsWith('flagbridge')))
          print(
            "\nA vendor hook's count that differs or shows a range varied from run to run here (every run is " +
              'in .vitest-artifacts/bench-react-chromium.json); only FlagBridge’s counts are asserted to match.',
          )
      } else {
        console.log(`\n(no jsdom results of the same size in ${jsdomFile}: render counts not compared)`)
      }
      if (otherRequests.length > 0)
        print(
          `\nRequests not for the page server (${aborted.length} aborted as not 127.0.0.1): ${otherRequests.length}, ` +
            `${[...new Set(otherRequests.map((url) => new URL(url).origin))].join(', ')}`,
        )

      mkdirSync(artifacts, { recursive: true })
      writeFileSync(
        join(artifacts, 'bench-react-chromium.json'),
        JSON.stringify(
          {
            ...results,
            chromium: version,
            renderCountsDifferFromJsdom: countsDiffer,
            abortedRequests: aborted,
            otherRequests,
            pageErrors,
          },
          null,
          2,
        ),
      )
      writeFileSync(join(artifacts, 'bench-react-chromium.md'), `${output.join('\n')}\n`)
      console.log(`\nChromium run: ${seconds(performance.now() - started)} in all`)

      expect(pageErrors).toEqual([])
      expect(aborted).toEqual([])
      // FlagBridge's render counts are its budgets (test/budget/renders.test.ts): the same in any DOM.
      // The vendors' hooks' counts may vary from run to run in Chromium: reported, not asserted.
      expect(
        (countsDiffer ?? []).filter((key) => key.startsWith('flagbridge')),
        'FlagBridge render counts differ from the jsdom run',
      ).toEqual([])
    } finally {
      await browser?.close()
      await server?.close()
      rmSync(outDir, { recursive: true, force: true })
    }
  },
)
