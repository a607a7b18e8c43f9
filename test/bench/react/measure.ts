// The measurements of React benchmarks 1, 2 and 4, shared by the jsdom run (react.bench-run.ts)
// and the Chromium page (test/bench/browser/page/main.ts). DOM and `performance` only, no Node APIs.
import { LIBRARIES, type Library } from './libraries'
import type { ByLibrary, ChangeRun, MountRun } from './report'
import { type ConfigCatSource, mountScenario, settle } from './scenarios'

export interface BenchSize {
  components: number
  flags: number
  /** Mount rounds; the change benchmark runs max(3, ⌈runs / 2⌉), the SDK-cache mount min(runs, 3). */
  runs: number
}
/** The flag benchmark 2 changes. */
export const CHANGED_FLAG = 7

export async function mountOnce(
  { components, flags }: BenchSize,
  library: Library,
  configCatSource: ConfigCatSource,
  /** Profiles the measured part (root.render until every value shows, see RenderLog.until) under this name. */
  profile?: string,
): Promise<MountRun> {
  const scenario = await mountScenario({ library, components, flags, configCatSource, profile })
  // Ends the profile (if any) as soon as every value shows.
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

export async function changeOnce({ components, flags }: BenchSize, library: Library): Promise<ChangeRun> {
  // ConfigCat: the config is cached, then the CDN serves a new one and forceRefreshAsync() fetches it
  // (configChanged). LaunchDarkly: the client's own change path (`change` / `change:<key>`).
  const scenario = await mountScenario({ library, components, flags, configCatSource: 'cache' })
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
    if (index % flags === CHANGED_FLAG) readersRendered++
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
export async function rounds<T>(measure: (library: Library) => Promise<T>, runs: number) {
  const results = Object.fromEntries(LIBRARIES.map((library) => [library, [] as T[]])) as ByLibrary<T>
  for (let round = -1; round < runs; round++) {
    const order = round % 2 === 0 ? LIBRARIES : [...LIBRARIES].reverse()
    for (const library of order) {
      const result = await measure(library)
      if (round >= 0) results[library].push(result)
    }
  }
  return results
}

/** 1. Mount with ConfigCat's LocalOnly overrides or LaunchDarkly's bootstrap (also benchmark 4). */
export const measureMount = (size: BenchSize) =>
  rounds((library) => mountOnce(size, library, 'overrides'), size.runs)

/** 4. ConfigCat with the config in the SDK's cache (a returning visitor); LaunchDarkly: `undefined`. */
export const measureCached = (size: BenchSize) =>
  rounds(
    async (library) => (library.includes('configcat') ? mountOnce(size, library, 'cache') : undefined),
    Math.min(size.runs, 3),
  )

/** 2. One flag changes through the vendor SDK. */
export const measureChange = (size: BenchSize) =>
  rounds((library) => changeOnce(size, library), Math.max(3, Math.ceil(size.runs / 2)))
