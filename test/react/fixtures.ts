import { prepareConfig } from '@configcat/sdk'
import { AnalyticsBrowser, type Context, type Plugin } from '@segment/analytics-next'

/** A ConfigCat setting in config_v6 form: type 0 bool, 1 text, 2 int, 3 double. */
export type ConfigCatSetting = {
  t: 0 | 1 | 2 | 3
  v: { b?: boolean; s?: string; i?: number; d?: number }
  i: string
  r?: unknown[]
}

let keyCounter = 0
/** A valid, distinct ConfigCat SDK key per test (the SDK caches clients and config per key). */
export function configCatSdkKey(): string {
  keyCounter++
  const part = `flagbridge-test-${keyCounter}`.padEnd(22, 'x').slice(0, 22)
  return `configcat-sdk-1/${part}/${'y'.repeat(22)}`
}

/**
 * configcat-react options that serve `settings` offline through the real SDK: LocalOnly
 * flag overrides with a data source keeping variation ids and targeting rules.
 */
export function configCatOffline(settings: Record<string, ConfigCatSetting>) {
  let current = settings
  const dataSource = {
    getOverrides: () =>
      prepareConfig({
        p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'test-salt' },
        f: current,
      } as never).f as never,
  }
  return {
    options: { flagOverrides: { dataSource, behaviour: 0 } },
    /** Serve new settings from the next evaluation on. */
    set(next: Record<string, ConfigCatSetting>) {
      current = next
    },
  }
}

/** A LaunchDarkly bootstrap: values plus `$flagsState` with variation indexes. */
export function launchDarklyBootstrap(flags: Record<string, { value: unknown; variation: number }>) {
  const bootstrap: Record<string, unknown> = { $valid: true, $flagsState: {} }
  for (const [key, { value, variation }] of Object.entries(flags)) {
    bootstrap[key] = value
    ;(bootstrap.$flagsState as Record<string, unknown>)[key] = { variation, version: 1 }
  }
  return bootstrap
}

/** LaunchDarkly options for a client talking to a local stand-in at `baseUrl`: polling, nothing sent. */
export function launchDarklyAt(baseUrl: string) {
  return {
    baseUrl,
    streaming: false,
    sendEvents: false,
    fetchGoals: false,
    diagnosticOptOut: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  }
}

/** LaunchDarkly options for an offline client: bootstrapped flags, nothing sent. */
export function launchDarklyOffline(flags: Record<string, { value: unknown; variation: number }>) {
  return {
    bootstrap: launchDarklyBootstrap(flags),
    baseUrl: 'http://127.0.0.1:9',
    eventsUrl: 'http://127.0.0.1:9',
    streamUrl: 'http://127.0.0.1:9',
    streaming: false,
    sendEvents: false,
    fetchGoals: false,
    diagnosticOptOut: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  }
}

/** The real analytics-next, with Segment.io off and a destination plugin that captures every event. */
export function capturingSegment(writeKey = 'test-write-key', options: { persistUser?: boolean } = {}) {
  const events: Context['event'][] = []
  const capture: Plugin = {
    name: 'Capture',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => true,
    load: async () => {},
    track: async (ctx) => {
      events.push(ctx.event)
      return ctx
    },
    identify: async (ctx) => {
      events.push(ctx.event)
      return ctx
    },
    page: async (ctx) => ctx,
    alias: async (ctx) => ctx,
    group: async (ctx) => ctx,
  }
  const analytics = AnalyticsBrowser.load(
    { writeKey, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey } } }, plugins: [capture] },
    // `persistUser: false`: this instance keeps its user to itself (instances otherwise share cookies).
    {
      integrations: { 'Segment.io': false },
      ...(options.persistUser === false ? { user: { persist: false } } : {}),
    },
  )
  return { analytics, events, tracks: () => events.filter((event) => event.type === 'track') }
}

/** A Heap stand-in behaving like the snippet: calls queue until `load()`, then run in order. */
export function heapStandIn() {
  const calls: Array<[string, ...unknown[]]> = []
  const queue: Array<[string, unknown[]]> = []
  const properties: Record<string, unknown> = {}
  const apply = (name: string, args: unknown[]) => {
    calls.push([name, ...args])
    if (name === 'addEventProperties') Object.assign(properties, args[0])
    if (name === 'removeEventProperty') delete properties[args[0] as string]
  }
  const methods = [
    'identify',
    'resetIdentity',
    'addUserProperties',
    'addEventProperties',
    'removeEventProperty',
    'track',
  ]
  const heap: Record<string, unknown> & { loaded?: boolean } = {}
  for (const name of methods) {
    heap[name] = (...args: unknown[]) => {
      if (heap.loaded) apply(name, args)
      else queue.push([name, args])
    }
  }
  return {
    api: heap as never,
    calls,
    properties,
    queued: () => queue.length,
    load() {
      heap.loaded = true
      for (const [name, args] of queue.splice(0)) apply(name, args)
    },
  }
}
