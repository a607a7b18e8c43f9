// The tables of React benchmarks 1, 2 and 4 from their measurements: pure functions, no DOM and no
// Node APIs, shared by the jsdom run (react.bench-run.ts) and the Chromium run
// (test/bench/browser/chromium.bench-run.ts), which formats in Node what the page measured.
import { BASELINE, HOOK, LIBRARIES, type Library } from './libraries'

export interface MountRun {
  ms: number
  /** Until the last commit (configcat-react keeps rendering after the value shows). */
  settledMs: number
  renders: number
  defaultRenders: number
  segmentTracks: number
  heapTracks: number
}
export interface ChangeRun {
  ms: number
  settledMs: number
  renders: number
  componentsRendered: number
  readersRendered: number
  othersRendered: number
}
export type ByLibrary<T> = Record<Library, T[]>

/** What one run of the React benchmarks measured (the shape of .vitest-artifacts/bench-react*.json). */
export interface ReactBenchResults {
  components: number
  flags: number
  runs: number
  /** React's build: "production" unless BENCH_REACT_DEV. */
  react: string | undefined
  mount: ByLibrary<MountRun>
  /** ConfigCat only; LaunchDarkly's entries are `undefined` (`null` once through JSON). */
  cached: ByLibrary<MountRun | null | undefined>
  change: ByLibrary<ChangeRun>
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
export const spread = (values: number[]) =>
  `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`
/** The value when every run agrees, else the range. */
export const same = (values: number[]) =>
  values.every((value) => value === values[0])
    ? String(values[0])
    : `${Math.min(...values)}–${Math.max(...values)}`
export const table = (rows: string[][]) =>
  [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n')

/** `where` names the environment in the headings (" (Chromium)"); the jsdom run leaves it empty. */
export interface SectionOptions {
  where?: string
}

/** 1. Mount: heading and table. */
export function mountSection(
  { components, flags, runs, mount }: Pick<ReactBenchResults, 'components' | 'flags' | 'runs' | 'mount'>,
  { where = '' }: SectionOptions = {},
) {
  const heading = `\n### 1. Mount${where}: ${components} components reading ${flags} flags (${runs} runs, time until all show the served value)\n`
  return `${heading}\n${table([
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
        same(runs.map((run) => run.renders / components)),
        library.startsWith('flagbridge')
          ? `${same(runs.map((run) => run.segmentTracks))} / ${same(runs.map((run) => run.heapTracks))}`
          : '–',
      ]
    }),
  ])}`
}

/** 4. Default flashes with the config already available: heading and table. */
export function firstRenderSection(
  { components, mount, cached }: Pick<ReactBenchResults, 'components' | 'mount' | 'cached'>,
  { where = '' }: SectionOptions = {},
) {
  const heading = `\n### 4. First render${where} with the config already available: renders showing the default first\n`
  return `${heading}\n${table([
    ['library', 'config', 'default renders / component', 'renders / component until settled'],
    ...LIBRARIES.flatMap((library) => {
      const rows: string[][] = []
      const source = library.includes('configcat') ? 'LocalOnly overrides' : 'LaunchDarkly bootstrap'
      rows.push([
        library,
        source,
        same(mount[library].map((run) => run.defaultRenders / components)),
        same(mount[library].map((run) => run.renders / components)),
      ])
      const cachedRuns = (cached[library] ?? []).filter((run): run is MountRun => run != null)
      if (cachedRuns.length > 0)
        rows.push([
          library,
          'config in the SDK cache',
          same(cachedRuns.map((run) => run.defaultRenders / components)),
          same(cachedRuns.map((run) => run.renders / components)),
        ])
      return rows
    }),
  ])}`
}

/** 2. One flag changes: heading and table. */
export function changeSection(
  { components, flags, change }: Pick<ReactBenchResults, 'components' | 'flags' | 'change'>,
  { where = '' }: SectionOptions = {},
) {
  const heading = `\n### 2. One of ${flags} flags changes${where}, ${components} components mounted (${components / flags} read it; time until they show it)\n`
  return `${heading}\n${table([
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
  ])}`
}

/** The deterministic counts of one run, by name: what two environments must agree on. */
export function renderCounts({ components, mount, cached, change }: ReactBenchResults) {
  const counts: Record<string, string> = {}
  for (const library of LIBRARIES) {
    const cachedRuns = (cached[library] ?? []).filter((run): run is MountRun => run != null)
    counts[`${library}|mount: renders / component`] = same(mount[library].map((r) => r.renders / components))
    counts[`${library}|mount: default renders / component`] = same(
      mount[library].map((r) => r.defaultRenders / components),
    )
    if (library.startsWith('flagbridge'))
      counts[`${library}|mount: exposures (Segment / Heap)`] =
        `${same(mount[library].map((r) => r.segmentTracks))} / ${same(mount[library].map((r) => r.heapTracks))}`
    if (cachedRuns.length > 0) {
      counts[`${library}|SDK cache: renders / component`] = same(
        cachedRuns.map((r) => r.renders / components),
      )
      counts[`${library}|SDK cache: default renders / component`] = same(
        cachedRuns.map((r) => r.defaultRenders / components),
      )
    }
    counts[`${library}|change: components re-rendered`] = same(
      change[library].map((r) => r.componentsRendered),
    )
    counts[`${library}|change: of which readers`] = same(change[library].map((r) => r.readersRendered))
    counts[`${library}|change: renders`] = same(change[library].map((r) => r.renders))
  }
  return counts
}

/** The render counts of two runs side by side, and whether they match. */
export function renderCountsSection(
  names: [string, string],
  first: ReactBenchResults,
  second: ReactBenchResults,
) {
  const a = renderCounts(first)
  const b = renderCounts(second)
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  const differ = keys.filter((key) => a[key] !== b[key])
  const heading = `\n### Render counts: ${names[0]} vs ${names[1]} (${
    differ.length === 0 ? 'identical' : `${differ.length} of ${keys.length} differ`
  })\n`
  return {
    /** The `library|count` keys whose values differ. */
    differ,
    markdown: `${heading}\n${table([
      ['library', 'count', names[0], names[1], 'same?'],
      ...keys.map((key) => {
        const [library, count] = key.split('|') as [string, string]
        return [library, count, a[key] ?? '–', b[key] ?? '–', a[key] === b[key] ? 'yes' : '**no**']
      }),
    ])}`,
  }
}
