// React benchmarks 1, 2 and 4 in real Chromium: the jsdom run's scenarios and measurements
// (test/bench/react/scenarios.ts, measure.ts) built by Vite into ./page in production mode
// (React's production build), served on 127.0.0.1, opened in Debian's headless Chromium through
// playwright-core; every request that is not for 127.0.0.1 is aborted. The page measures, Node
// prints the jsdom run's tables (test/bench/react/report.ts), titled "Chromium":
//   pnpm bench:browser         (BENCH_COMPONENTS 1000, BENCH_FLAGS 50, BENCH_RUNS 11)
// Writes .vitest-artifacts/bench-react-chromium.md and .json; when .vitest-artifacts/bench-react.json
// (the jsdom run) has the same sizes, also compares the render counts: FlagBridge's must be identical.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { expect, it } from 'vitest'
import { CHROMIUM_PATH, chromiumLaunchOptions } from '../../support/chromium'
import { buildProductionPage } from '../../support/productionBuild'
import type { BenchSize } from '../react/measure'
import {
  changeSection,
  firstRenderSection,
  mountSection,
  type ReactBenchResults,
  renderCountsSection,
} from '../react/report'
import type { PageResults } from './page/main'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const pageRoot = fileURLToPath(new URL('./page/', import.meta.url))
const artifacts = join(repo, '.vitest-artifacts')
const size: BenchSize = {
  components: Number(process.env.BENCH_COMPONENTS ?? 1000),
  flags: Number(process.env.BENCH_FLAGS ?? 50),
  runs: Number(process.env.BENCH_RUNS ?? 11),
}
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** `vite build` of ./page into a temporary directory, as `NODE_ENV=production vite build` would. */
async function buildPage(outDir: string) {
  const { createLogger } = await import('vite')
  // Known and harmless: the SDKs' "use client" directives, and analytics-next imported both
  // statically (the fixtures) and dynamically (FlagBridge's loader).
  const logger = createLogger('warn')
  const warn = logger.warn
  logger.warn = (message, options) => {
    if (!message.includes('dynamic import will not move module into another chunk')) warn(message, options)
  }
  await buildProductionPage({
    root: pageRoot,
    customLogger: logger,
    esbuild: { jsx: 'automatic' },
    build: {
      outDir,
      rollupOptions: {
        onwarn(warning, defaultHandler) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'SOURCEMAP_ERROR') return
          defaultHandler(warning)
        },
      },
    },
  })
}

/**
 * The build on 127.0.0.1, cross-origin isolated (COOP + COEP) so that the page's
 * performance.now() has Chromium's fine resolution rather than the coarsened 100 µs.
 */
async function serve(dir: string) {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cache-control': 'no-store',
      })
      .end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

it(`React in Chromium: ${size.components} components × ${size.flags} flags, ${size.runs} runs`, async () => {
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
})
