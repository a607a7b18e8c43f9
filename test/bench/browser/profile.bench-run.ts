// Where the mount time goes, in Chromium: the benchmark page (./page) built readable (names kept,
// source maps), each library's measured part (root.render until every component shows its value)
// profiled by Chromium's CPU profiler (console.profile, collected over the DevTools protocol), the
// samples mapped back to their source files:
//   pnpm bench:profile          (BENCH_RUNS, 11 by default; BENCH_COMPONENTS, BENCH_FLAGS)
// Prints, per library, the time by package (self time) and the heaviest functions; writes the
// .cpuprofile files and .vitest-artifacts/bench-profile.md. Readable builds are slower than minified
// ones: compare the libraries' shares, and the ratios of `pnpm bench:browser`, not these times.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../../support/chromium'
import type { BenchSize } from '../react/measure'
import type { Library } from '../react/scenarios'
import { buildPage, serve } from './benchPage'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const artifacts = join(repo, '.vitest-artifacts')
const size: BenchSize = {
  components: Number(process.env.BENCH_COMPONENTS ?? 1000),
  flags: Number(process.env.BENCH_FLAGS ?? 50),
  runs: Number(process.env.BENCH_RUNS ?? 11),
}
const ALL: Library[] = [
  'launchdarkly-react',
  'flagbridge+launchdarkly',
  'configcat-react',
  'flagbridge+configcat',
]
/** BENCH_LIBRARIES=launchdarkly-react,flagbridge+launchdarkly profiles only those. */
const PROFILED = process.env.BENCH_LIBRARIES
  ? ALL.filter((library) => process.env.BENCH_LIBRARIES!.split(',').includes(library))
  : ALL

interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }>
  samples: number[]
  timeDeltas: number[]
}

// source-map-js comes with Vite (no types of its own here).
interface SourceMap {
  originalPositionFor(position: { line: number; column: number }): {
    source: string | null
    name: string | null
  }
}
const { SourceMapConsumer } = createRequire(createRequire(import.meta.url).resolve('vite'))(
  'source-map-js',
) as {
  SourceMapConsumer: new (map: unknown) => SourceMap
}

/** A source path as a short owner: the package in node_modules, or the repo path. */
function owner(source: string | null): string {
  if (!source) return '(no source)'
  const pnpm = source.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (pnpm) return pnpm[1]!
  const flagbridge = source.match(/packages\/(core|react)\/src\/(.+)$/)
  if (flagbridge) return `flagbridge ${flagbridge[1]}/${flagbridge[2]}`
  return source.replace(/^(\.\.\/)+/, '')
}

/** React's own frames: their inclusive time is the whole render, so the inclusive table skips them. */
const REACT = new Set(['react', 'react-dom', 'scheduler'])

function summarize(profiles: CpuProfile[], maps: Map<string, SourceMap>) {
  const byOwner = new Map<string, number>()
  const byFunction = new Map<string, number>()
  // Inclusive time: a sample counts for every function on its stack (once each).
  const inclusive = new Map<string, number>()
  let total = 0
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
    const parents = new Map<number, number>()
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
    const described = new Map<number, { name: string; where: string }>()
    const describe = (id: number) => {
      let known = described.get(id)
      if (known) return known
      const frame = nodes.get(id)!.callFrame
      const file = frame.url.split('/').pop() ?? ''
      const map = maps.get(file)
      const original = map?.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber })
      const where = frame.url ? owner(original?.source ?? null) : `(${frame.functionName || 'native'})`
      known = { name: `${frame.functionName || '(anonymous)'} — ${where}`, where }
      described.set(id, known)
      return known
    }
    profile.samples.forEach((id, index) => {
      const delta = profile.timeDeltas[index] ?? 0
      // Starting the profiler is billed to the caller of console.profile(): not the library's time.
      if (nodes.get(id)!.callFrame.functionName === 'mountScenario') return
      const { name, where } = describe(id)
      total += delta
      byOwner.set(where, (byOwner.get(where) ?? 0) + delta)
      byFunction.set(name, (byFunction.get(name) ?? 0) + delta)
      const onStack = new Set<string>()
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const frame = describe(at)
        if (frame.where.startsWith('(') || REACT.has(frame.where) || onStack.has(frame.name)) continue
        onStack.add(frame.name)
        inclusive.set(frame.name, (inclusive.get(frame.name) ?? 0) + delta)
      }
    })
  }
  const rows = (table: Map<string, number>, count: number) =>
    [...table]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([name, us]) =>
          `| ${name} | ${(us / 1000 / profiles.length).toFixed(2)} | ${((100 * us) / total).toFixed(1)}% |`,
      )
  return {
    total: total / 1000 / profiles.length,
    owners: rows(byOwner, 12),
    functions: rows(byFunction, 20),
    inclusive: rows(inclusive, 25),
  }
}

it.runIf(process.env.BENCH_PROFILE)('where the mount time goes, in Chromium', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'flagbridge-bench-profile-'))
  let server: Awaited<ReturnType<typeof serve>> | undefined
  let browser: Browser | undefined
  try {
    await buildPage(outDir, { readable: true })
    const maps = new Map<string, SourceMap>()
    const assets = join(outDir, 'assets')
    for (const file of (await import('node:fs')).readdirSync(assets).filter((name) => name.endsWith('.js')))
      maps.set(file, new SourceMapConsumer(JSON.parse(readFileSync(join(assets, `${file}.map`), 'utf8'))))
    server = await serve(outDir)
    browser = await chromium.launch(chromiumLaunchOptions())
    const context = await browser.newContext()
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort('blockedbyclient'),
    )
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
    const finished = new Map<string, CpuProfile>()
    cdp.on('Profiler.consoleProfileFinished', (event) => {
      finished.set(event.title ?? '', event.profile as unknown as CpuProfile)
    })
    await page.goto(`${server.origin}/`)
    await page.waitForFunction(() => window.flagbridgeBench !== undefined)

    const output = [
      `# Where the mount time goes (Chromium ${browser.version()}, readable production build)`,
      '',
      `${size.components} components × ${size.flags} flags; ${size.runs} profiled mounts per library after a warm-up mount; ` +
        'self time per mount, from root.render until every component shows its value.',
    ]
    for (const library of PROFILED) {
      // A warm-up mount (code compiled, SDK modules loaded), then the profiled ones.
      await page.evaluate(
        ([size, library]) => window.flagbridgeBench!.profileMounts({ ...size, runs: 1 }, library),
        [size, library] as const,
      )
      finished.clear()
      const times = await page.evaluate(
        ([size, library]) => window.flagbridgeBench!.profileMounts(size, library),
        [size, library] as const,
      )
      await expect.poll(() => finished.size).toBe(size.runs)
      const profiles = [...finished.values()]
      const summary = summarize(profiles, maps)
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!
      mkdirSync(artifacts, { recursive: true })
      // Every mount's profile (open one in Chrome DevTools' Performance panel).
      const dir = join(artifacts, `profile-${library.replace('+', '-')}`)
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      for (const [run, profile] of profiles.entries())
        writeFileSync(join(dir, `${run}.cpuprofile`), JSON.stringify(profile))
      output.push(
        '',
        `## ${library}: median ${median.toFixed(1)} ms measured, ${summary.total.toFixed(1)} ms sampled per mount`,
        '',
        '| where (self time) | ms per mount | share |',
        '| --- | --- | --- |',
        ...summary.owners,
        '',
        '| function | ms per mount | share |',
        '| --- | --- | --- |',
        ...summary.functions,
        '',
        '| function, with what it calls (React left out) | ms per mount | share |',
        '| --- | --- | --- |',
        ...summary.inclusive,
      )
    }
    const markdown = output.join('\n')
    console.log(markdown)
    writeFileSync(join(artifacts, 'bench-profile.md'), `${markdown}\n`)
  } finally {
    await browser?.close()
    await server?.close()
    rmSync(outDir, { recursive: true, force: true })
  }
})
