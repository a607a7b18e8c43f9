// The React scenarios behind the benchmarks (test/bench/react/react.bench-run.ts) and the exact
// render-count budgets (test/budget/renders.test.ts): N components, each reading one of F flags
// (component i reads flag i % F), over the real SDKs running offline. DOM only: they run in jsdom
// and, built by Vite, in Chromium (test/bench/browser/).
//
// Plain createElement, no JSX: the budget project compiles .ts without a JSX transform.
import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import {
  ConfigCatProvider,
  createConsoleLogger,
  FetchResponse,
  type IConfigCatClient,
  LogLevel,
  prepareConfig,
  useConfigCatClient,
  useFeatureFlag,
} from 'configcat-react'
import { LDProvider, useFlags } from 'launchdarkly-react-client-sdk'
import { createElement, type ReactElement, type ReactNode, useLayoutEffect } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { capturingSegment, heapStandIn, launchDarklyOffline } from '../../react/fixtures'
import type { Library } from './libraries'

export { BASELINE, HOOK, LIBRARIES, type Library } from './libraries'

/**
 * Where ConfigCat's config comes from:
 * - `overrides`: LocalOnly flag overrides (in memory before the first render);
 * - `cache`: the config is already in the SDK's cache (a previous visit), the CDN answers later;
 * - `cdn`: nothing cached, fetched through the SDK's fetcher (the only mode where a
 *   config change reaches the SDK, so the change scenario uses it).
 */
export type ConfigCatSource = 'overrides' | 'cache' | 'cdn'

export const DEFAULT = 'default'
export const flagKey = (flag: number) => `flag-${flag}`
/** launchdarkly-react-client-sdk camelCases keys by default (`flag-7` → `flag7`). */
const ldKey = (flag: number) => `flag${flag}`
const served = (version: number, flag: number) => `v${version}-${flag}`

let sequence = 0
/** Distinct SDK keys and client-side IDs: both SDKs keep one client per key for the page. */
function nextId() {
  sequence++
  return `${Date.now().toString(36)}${sequence}`.padEnd(22, 'x').slice(-22)
}

type Setting = { t: 1; v: { s: string }; i: string }
function configCatSettings(flags: number, changed: ReadonlyMap<number, number>) {
  const settings: Record<string, Setting> = {}
  for (let flag = 0; flag < flags; flag++) {
    const version = changed.get(flag) ?? 1
    settings[flagKey(flag)] = { t: 1, v: { s: served(version, flag) }, i: `var-${flag}-${version}` }
  }
  return settings
}

/** A stand-in for ConfigCat's CDN behind the SDK's public `configFetcher` option (ETags, 304s). */
function configCatCdn(flags: number) {
  const changed = new Map<number, number>()
  let etag = 1
  let body = JSON.stringify({ p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' }, f: {} })
  const publish = () => {
    body = JSON.stringify({
      p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' },
      f: configCatSettings(flags, changed),
    })
    etag++
  }
  publish()
  const fetches: string[] = []
  return {
    fetcher: {
      async fetchAsync(request: { lastETag: string | undefined; url: string }) {
        fetches.push(request.url)
        const tag = `"${etag}"`
        if (request.lastETag === tag) return new FetchResponse(304, 'Not Modified', [['ETag', tag]])
        return new FetchResponse(200, 'OK', [['ETag', tag]], body)
      },
    },
    fetches,
    change(flag: number, version: number) {
      changed.set(flag, version)
      publish()
    },
  }
}

const quietConfigCat = createConsoleLogger(LogLevel.Off)

/** What the components report: every render, and what each one shows after commit. */
export class RenderLog {
  renders = 0
  defaultRenders = 0
  /** Components whose very first render showed the default (a "default flash"). */
  firstRenderDefaults = 0
  rendersByIndex: Int32Array
  shown: (string | undefined)[]
  private matching = 0
  private expected: (index: number) => string = () => ''
  private onMatch: (() => void) | undefined
  lastRenderAt = 0
  lastCommitAt = 0
  /** A CPU profile (`console.profile`) to end the moment every component shows its value. */
  profile: string | undefined

  constructor(readonly components: number) {
    this.rendersByIndex = new Int32Array(components)
    this.shown = new Array(components)
  }

  rendered(index: number, value: string) {
    this.renders++
    if (this.rendersByIndex[index]!++ === 0 && value === DEFAULT) this.firstRenderDefaults++
    if (value === DEFAULT) this.defaultRenders++
    this.lastRenderAt = performance.now()
  }

  committed(index: number, value: string) {
    const was = this.shown[index] === this.expected(index)
    this.shown[index] = value
    const is = value === this.expected(index)
    if (was !== is) this.matching += is ? 1 : -1
    if (this.matching === this.components) this.onMatch?.()
  }

  /** Resolves with the time at which every component shows `expected(index)`, committed. */
  until(expected: (index: number) => string, timeoutMs = 60_000): Promise<number> {
    this.expected = expected
    this.matching = 0
    for (let index = 0; index < this.components; index++)
      if (this.shown[index] === expected(index)) this.matching++
    if (this.matching === this.components) {
      const at = performance.now()
      if (this.profile) console.profileEnd(this.profile)
      this.profile = undefined
      return Promise.resolve(at)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onMatch = undefined
        reject(new Error(`only ${this.matching} of ${this.components} components showed the expected value`))
      }, timeoutMs)
      this.onMatch = () => {
        const at = performance.now()
        // The profile covers what was measured, not the parents' effects that run after it.
        if (this.profile) console.profileEnd(this.profile)
        this.profile = undefined
        this.onMatch = undefined
        clearTimeout(timer)
        resolve(at)
      }
    })
  }

  resetCounts() {
    this.renders = 0
    this.defaultRenders = 0
    this.firstRenderDefaults = 0
    this.rendersByIndex.fill(0)
  }
}

/** Waits until nothing has rendered for `quietMs` (effects, async reads and SDK callbacks done). */
export async function settle(log: RenderLog, quietMs = 40, timeoutMs = 30_000) {
  const started = performance.now()
  let renders = -1
  while (performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, quietMs))
    if (log.renders === renders) return
    renders = log.renders
  }
}

function useReport(log: RenderLog, index: number, value: string) {
  log.rendered(index, value)
  useLayoutEffect(() => log.committed(index, value), [log, index, value])
  // Every commit, even one that shows the same value (LDProvider's second render does).
  useLayoutEffect(() => {
    log.lastCommitAt = performance.now()
  })
}

type ReaderProps = { log: RenderLog; index: number; flag: number }
function FlagBridgeReader({ log, index, flag }: ReaderProps) {
  const { value } = useTrackedFlag(flagKey(flag), DEFAULT)
  useReport(log, index, value)
  return createElement('span', null, value)
}
function ConfigCatReader({ log, index, flag }: ReaderProps) {
  const { value } = useFeatureFlag(flagKey(flag), DEFAULT)
  useReport(log, index, value)
  return createElement('span', null, value)
}
function LaunchDarklyReader({ log, index, flag }: ReaderProps) {
  const value = (useFlags()[ldKey(flag)] as string | undefined) ?? DEFAULT
  useReport(log, index, value)
  return createElement('span', null, value)
}
const READER: Record<Library, (props: ReaderProps) => ReactElement> = {
  'configcat-react': ConfigCatReader,
  'flagbridge+configcat': FlagBridgeReader,
  'launchdarkly-react': LaunchDarklyReader,
  'flagbridge+launchdarkly': FlagBridgeReader,
}

function ConfigCatClientProbe({ onClient }: { onClient: (client: IConfigCatClient) => void }) {
  onClient(useConfigCatClient())
  return null
}

export interface ScenarioOptions {
  library: Library
  components: number
  flags: number
  configCatSource?: ConfigCatSource
  /** Starts a DevTools CPU profile of this name (`console.profile`) just before `root.render`. */
  profile?: string
}

/** One mounted tree, with what it takes to change a flag through the vendor. */
export interface MountedScenario {
  log: RenderLog
  /** When `root.render` was called. */
  startedAt: number
  /** The value component `index` shows once everything is served. */
  expected: (index: number) => string
  /** Changes one flag through the vendor SDK; resolves once the SDK has applied it. */
  changeFlag(flag: number): Promise<void>
  segmentTracks(): number
  heapTracks(): number
  unmount(): void
}

/** Mounts `components` readers of `flags` flags for `library`; call `log.until(expected)` to time it. */
export async function mountScenario(options: ScenarioOptions): Promise<MountedScenario> {
  const { library, components, flags, configCatSource = 'overrides' } = options
  const log = new RenderLog(components)
  const versions = new Map<number, number>()
  const expected = (index: number) => served(versions.get(index % flags) ?? 1, index % flags)
  const Reader = READER[library]
  const readers: ReactNode[] = []
  for (let index = 0; index < components; index++)
    readers.push(createElement(Reader, { key: index, log, index, flag: index % flags }))

  localStorage.clear()
  sessionStorage.clear()
  const segment = capturingSegment(`bench-${nextId()}`)
  await segment.analytics
  const heap = heapStandIn()
  heap.load()
  const tracking = {
    segment: { analytics: segment.analytics },
    heap: { api: heap.api },
    user: { id: 'user-1', attributes: { plan: 'pro' } },
  }

  let tree: ReactElement
  let changeFlag: (flag: number) => Promise<void>
  if (library === 'configcat-react' || library === 'flagbridge+configcat') {
    const sdkKey = `configcat-sdk-1/${nextId()}/${'y'.repeat(22)}`
    let client: IConfigCatClient | undefined
    const probe = createElement(ConfigCatClientProbe, {
      onClient: (next) => {
        client = next
      },
    })
    let configCatOptions: Record<string, unknown>
    if (configCatSource === 'overrides') {
      const settings = prepareConfig({ f: configCatSettings(flags, versions) } as never).f
      configCatOptions = {
        flagOverrides: { dataSource: { getOverrides: () => settings }, behaviour: 0 },
        logger: quietConfigCat,
      }
      changeFlag = async () => {
        throw new Error('LocalOnly overrides never change: use configCatSource "cdn" to change a flag')
      }
    } else {
      const cdn = configCatCdn(flags)
      const cache = new Map<string, string>()
      configCatOptions = {
        configFetcher: cdn.fetcher,
        cache: {
          get: (key: string) => cache.get(key),
          set: (key: string, value: string) => cache.set(key, value),
        },
        pollIntervalSeconds: 3600,
        logger: quietConfigCat,
      }
      if (configCatSource === 'cache') await primeConfigCatCache(sdkKey, configCatOptions)
      changeFlag = async (flag) => {
        const version = (versions.get(flag) ?? 1) + 1
        versions.set(flag, version)
        cdn.change(flag, version)
        const result = await client!.forceRefreshAsync()
        if (!result.isSuccess) throw new Error(`ConfigCat refresh failed: ${result.errorMessage}`)
      }
    }
    tree =
      library === 'configcat-react'
        ? createElement(ConfigCatProvider, { sdkKey, options: configCatOptions as never }, probe, readers)
        : createElement(
            FlagBridgeProvider,
            { configcat: { sdkKey, options: configCatOptions }, ...tracking },
            probe,
            readers,
          )
  } else {
    const clientSideID = `ld-${nextId()}`
    const bootstrap: Record<string, { value: unknown; variation: number }> = {}
    for (let flag = 0; flag < flags; flag++)
      bootstrap[flagKey(flag)] = { value: served(1, flag), variation: 0 }
    // LaunchDarkly's debug-override plugin interface: setOverride() goes through the client's own
    // change handling and emits `change` / `change:<key>`, exactly as a streamed patch does.
    let debug: { setOverride(key: string, value: unknown): void } | undefined
    const plugin = {
      getMetadata: () => ({ name: 'flagbridge-bench' }),
      register() {},
      registerDebug(override: typeof debug) {
        debug = override
      },
    }
    const ldOptions = { ...launchDarklyOffline(bootstrap), plugins: [plugin] }
    changeFlag = async (flag) => {
      if (!debug) throw new Error('the LaunchDarkly client has not registered its plugins yet')
      const version = (versions.get(flag) ?? 1) + 1
      versions.set(flag, version)
      debug.setOverride(flagKey(flag), served(version, flag))
    }
    tree =
      library === 'launchdarkly-react'
        ? createElement(LDProvider, { clientSideID, options: ldOptions } as never, readers)
        : createElement(
            FlagBridgeProvider,
            { launchdarkly: { clientSideID, options: ldOptions }, ...tracking },
            readers,
          )
  }

  const container = document.createElement('div')
  document.body.append(container)
  const root: Root = createRoot(container)
  if (options.profile) {
    log.profile = options.profile
    console.profile(options.profile)
  }
  const startedAt = performance.now()
  root.render(tree)
  return {
    log,
    startedAt,
    expected,
    changeFlag: (flag) => changeFlag(flag),
    segmentTracks: () => segment.tracks().length,
    heapTracks: () => heap.calls.filter(([name]) => name === 'track').length,
    unmount() {
      root.unmount()
      container.remove()
    },
  }
}

/** A previous visit: the SDK fetched the config and stored it in the cache the next client reads. */
async function primeConfigCatCache(sdkKey: string, options: Record<string, unknown>) {
  const { getClient, PollingMode } = await import('@configcat/sdk')
  const client = getClient(sdkKey, PollingMode.ManualPoll, options as never)
  const result = await client.forceRefreshAsync()
  client.dispose()
  if (!result.isSuccess) throw new Error(`could not prime ConfigCat's cache: ${result.errorMessage}`)
}
