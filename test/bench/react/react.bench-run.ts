// React benchmarks 1, 2 and 4 of issue 7, in jsdom, each library over its real SDK client:
//   npx vitest run -c test/bench/react/vitest.config.ts
// Sizes and runs: BENCH_COMPONENTS (1000), BENCH_FLAGS (50), BENCH_RUNS (7).
// Prints Markdown tables and writes .vitest-artifacts/bench-react.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { it } from 'vitest'
import {
  BASELINE,
  type ConfigCatSource,
  HOOK,
  LIBRARIES,
  type Library,
  mountScenario,
  settle,
} from './scenarios'

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 1000)
const FLAGS = Number(process.env.BENCH_FLAGS ?? 50)
const RUNS = Number(process.env.BENCH_RUNS ?? 11)
const CHANGED_FLAG = 7

interface MountRun {
  ms: number
  /** Until the last commit (configcat-react keeps rendering after the value shows). */
  settledMs: number
  renders: number
  defaultRenders: number
  segmentTracks: number
  heapTracks: number
}
interface ChangeRun {
  ms: number
  settledMs: number
  renders: number
  componentsRendered: number
  readersRendered: number
  othersRendered: number
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const spread = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`
const same = (values: number[]) =>
  values.every((value) => value === values[0])
    ? String(values[0])
    : `${Math.min(...values)}–${Math.max(...values)}`
const table = (rows: string[][]) =>
  [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n')

async function mountOnce(library: Library, configCatSource: ConfigCatSource): Promise<MountRun> {
  const scenario = await mountScenario({ library, components: COMPONENTS, flags: FLAGS, configCatSource })
  const servedAt = await scenario.log.until(scenario.expected)
  await settle(scenario.log)
  const run = {
    ms: servedAt - scenario.startedAt,
    settledMs: scenario.log.lastCommitAt - scenario.startedAt,
    renders: scenario.log.renders,
    defaultRenders: scenario.log.defaultRenders,
    segmentTracks: scenario.segmentTracks(),
    heapTracks: scenario.heapTracks(),
  }
  scenario.unmount()
  return run
}

async function changeOnce(library: Library): Promise<ChangeRun> {
  // ConfigCat: the config is cached, then the CDN serves a new one and forceRefreshAsync() fetches it
  // (configChanged). LaunchDarkly: the client's own change path (`change` / `change:<key>`).
  const scenario = await mountScenario({
    library,
    components: COMPONENTS,
    flags: FLAGS,
    configCatSource: 'cache',
  })
  await scenario.log.until(scenario.expected)
  await settle(scenario.log)
  scenario.log.resetCounts()
  const started = performance.now()
  // changeFlag() updates the expected values before its first await, and React can't commit before
  // a microtask: start waiting right away (FlagBridge commits before forceRefreshAsync() resolves).
  const changing = scenario.changeFlag(CHANGED_FLAG)
  const shown = scenario.log.until(scenario.expected)
  await changing
  const shownAt = await shown
  await settle(scenario.log)
  let componentsRendered = 0
  let readersRendered = 0
  scenario.log.rendersByIndex.forEach((renders, index) => {
    if (renders === 0) return
    componentsRendered++
    if (index % FLAGS === CHANGED_FLAG) readersRendered++
  })
  const run = {
    ms: shownAt - started,
    settledMs: scenario.log.lastCommitAt - started,
    renders: scenario.log.renders,
    componentsRendered,
    readersRendered,
    othersRendered: componentsRendered - readersRendered,
  }
  scenario.unmount()
  return run
}

/** Runs every library once per round (after one warm-up round), so drift hits all of them alike. */
async function rounds<T>(measure: (library: Library) => Promise<T>, runs: number) {
  const results = Object.fromEntries(LIBRARIES.map((library) => [library, [] as T[]])) as Record<Library, T[]>
  for (let round = -1; round < runs; round++) {
    const order = round % 2 === 0 ? LIBRARIES : [...LIBRARIES].reverse()
    for (const library of order) {
      const result = await measure(library)
      if (round >= 0) results[library].push(result)
    }
  }
  return results
}

it(`React: ${COMPONENTS} components × ${FLAGS} flags, ${RUNS} runs`, async () => {
  const output: string[] = []
  const print = (text: string) => {
    output.push(text)
    console.log(text)
  }
  const readers = COMPONENTS / FLAGS

  // 1. Mount, and 4. default flashes with the config already there (overrides / bootstrap).
  const mount = await rounds((library) => mountOnce(library, 'overrides'), RUNS)
  print(
    `\n### 1. Mount: ${COMPONENTS} components reading ${FLAGS} flags (${RUNS} runs, time until all show the served value)\n`,
  )
  print(
    table([
      [
        'library',
        'hook',
        'median ms',
        'min–max ms',
        'ratio vs baseline',
        'last commit, median ms',
        'renders / component',
        'exposures sent (Segment / Heap)',
      ],
      ...LIBRARIES.map((library) => {
        const runs = mount[library]
        const ms = median(runs.map((run) => run.ms))
        const baseline = median(mount[BASELINE[library]].map((run) => run.ms))
        return [
          library,
          HOOK[library],
          ms.toFixed(1),
          spread(runs.map((run) => run.ms)),
          `${(ms / baseline).toFixed(2)}× ${BASELINE[library]}`,
          median(runs.map((run) => run.settledMs)).toFixed(1),
          same(runs.map((run) => run.renders / COMPONENTS)),
          library.startsWith('flagbridge')
            ? `${same(runs.map((run) => run.segmentTracks))} / ${same(runs.map((run) => run.heapTracks))}`
            : '–',
        ]
      }),
    ]),
  )

  // 4. with ConfigCat's config in its cache (a returning visitor) rather than in overrides.
  const cached = await rounds(
    async (library) => (library.includes('configcat') ? mountOnce(library, 'cache') : undefined),
    Math.min(RUNS, 3),
  )
  print(`\n### 4. First render with the config already available: renders showing the default first\n`)
  print(
    table([
      ['library', 'config', 'default renders / component', 'renders / component until settled'],
      ...LIBRARIES.flatMap((library) => {
        const rows: string[][] = []
        const source = library.includes('configcat') ? 'LocalOnly overrides' : 'LaunchDarkly bootstrap'
        rows.push([
          library,
          source,
          same(mount[library].map((run) => run.defaultRenders / COMPONENTS)),
          same(mount[library].map((run) => run.renders / COMPONENTS)),
        ])
        const cachedRuns = cached[library].filter((run): run is MountRun => run !== undefined)
        if (cachedRuns.length > 0)
          rows.push([
            library,
            'config in the SDK cache',
            same(cachedRuns.map((run) => run.defaultRenders / COMPONENTS)),
            same(cachedRuns.map((run) => run.renders / COMPONENTS)),
          ])
        return rows
      }),
    ]),
  )

  // 2. One flag changes.
  const change = await rounds(changeOnce, Math.max(3, Math.ceil(RUNS / 2)))
  print(
    `\n### 2. One of ${FLAGS} flags changes, ${COMPONENTS} components mounted (${readers} read it; time until they show it)\n`,
  )
  print(
    table([
      [
        'library',
        'change through',
        'components re-rendered',
        'of which readers',
        'renders',
        'median ms',
        'min–max ms',
        'ratio vs baseline',
        'last commit, median ms',
      ],
      ...LIBRARIES.map((library) => {
        const runs = change[library]
        const ms = median(runs.map((run) => run.ms))
        const baseline = median(change[BASELINE[library]].map((run) => run.ms))
        return [
          library,
          library.includes('configcat') ? 'CDN change + forceRefreshAsync()' : 'LD client change event',
          same(runs.map((run) => run.componentsRendered)),
          same(runs.map((run) => run.readersRendered)),
          same(runs.map((run) => run.renders)),
          ms.toFixed(1),
          spread(runs.map((run) => run.ms)),
          `${(ms / baseline).toFixed(2)}× ${BASELINE[library]}`,
          median(runs.map((run) => run.settledMs)).toFixed(1),
        ]
      }),
    ]),
  )

  mkdirSync('.vitest-artifacts', { recursive: true })
  writeFileSync(
    '.vitest-artifacts/bench-react.json',
    JSON.stringify(
      {
        components: COMPONENTS,
        flags: FLAGS,
        runs: RUNS,
        react: process.env.NODE_ENV,
        mount,
        cached,
        change,
      },
      null,
      2,
    ),
  )
  writeFileSync('.vitest-artifacts/bench-react.md', output.join('\n'))
})
