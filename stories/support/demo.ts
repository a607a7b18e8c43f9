import type {
  ConfigCatConfig,
  FlagBridgeProviderProps,
  LaunchDarklyConfig,
  SegmentConfig,
} from '@flagbridge/react'
import { FlagBridgeError } from '@flagbridge/react'
import { createEventRecorder, type EventRecorder, type StaticVendor } from '@flagbridge/react/testing'
import type { Context, Plugin } from '@segment/analytics-next'
import { createConsoleLogger, LogLevel, OverrideBehaviour, prepareConfig } from 'configcat-react'
import { createDemoHeap, type DemoHeap } from './demoHeap'
import { createReceivedLog, type ReceivedLog } from './receivedLog'
import {
  configCatSdkKey,
  type DashboardState,
  type DemoFault,
  type DemoFlag,
  type DemoVendor,
  inExperimentFor,
  STAND_IN_PREFIX,
  toConfigCatConfig,
  toLaunchDarklyBootstrap,
  variationFor,
} from './vendorDashboard'
import { detectVendorMode, type VendorMode } from './vendorMode'

/**
 * How a story's vendors run:
 * - `stand-in`: the real SDKs fetch from and post to the Storybook dev server's vendor stand-in;
 * - `sdk-offline`: (static build) the real SDKs with offline data — ConfigCat LocalOnly
 *   overrides, a LaunchDarkly bootstrap, analytics-next with Segment.io off and a capturing plugin;
 * - `static`: (static build) `@flagbridge/react/testing`'s static vendors and event recorder,
 *   for stories that need a vendor to change, fail or wait, which offline SDKs cannot.
 */
export type DemoRuntime = 'stand-in' | 'sdk-offline' | 'static'

export interface DemoSetup {
  flags: Partial<Record<DemoVendor, Record<string, DemoFlag>>>
  faults?: Partial<Record<DemoVendor, DemoFault>>
  /** What a static build falls back to. Default `sdk-offline`. */
  offline?: 'sdk-offline' | 'static'
  /** The user the story starts with, for LaunchDarkly's offline bootstrap. */
  initialUserId?: string
  /** Seconds LaunchDarkly waits for flags before reporting an error. */
  /** LaunchDarkly's wait for its first flags, in ms. */
  launchDarklyTimeoutMs?: number
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} }

let demoCount = 0
function newProject(): string {
  demoCount++
  // Short and distinct per render: it names the ConfigCat key, LD env and Segment write key.
  return `fb${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}${demoCount}`
}

/** The Segment plugin that captures what analytics-next delivers when Segment.io is off. */
function capturePlugin(received: ReceivedLog): Plugin {
  const capture = async (ctx: Context) => {
    received.add(
      'segment',
      ctx.event.type === 'track' ? (ctx.event.event ?? 'track') : ctx.event.type,
      ctx.event,
    )
    return ctx
  }
  return {
    name: 'Demo capture',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => true,
    load: async () => {},
    track: capture,
    identify: capture,
    page: async (ctx) => ctx,
    alias: async (ctx) => ctx,
    group: async (ctx) => ctx,
  }
}

/**
 * One story render's demo vendors and destinations: the provider props, a "vendor
 * dashboard" to change flags and faults, and what Segment and Heap received.
 */
export async function createDemo(mode: VendorMode, setup: DemoSetup) {
  const project = newProject()
  const origin = window.location.origin
  const runtime: DemoRuntime = mode === 'stand-in' ? 'stand-in' : (setup.offline ?? 'sdk-offline')
  const state: DashboardState = {
    configcat: { ...setup.flags.configcat },
    launchdarkly: { ...setup.flags.launchdarkly },
    faults: { ...setup.faults },
  }
  const vendors = (['configcat', 'launchdarkly'] as const).filter((vendor) => setup.flags[vendor])
  const received = createReceivedLog()
  const heap: DemoHeap = createDemoHeap(received)
  let recorder: EventRecorder | undefined
  let staticVendors: Partial<Record<DemoVendor, StaticVendor>> = {}
  let currentUserId = setup.initialUserId

  const standIn = (path: string, body?: unknown) =>
    fetch(`${origin}${STAND_IN_PREFIX}/projects/${project}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((response) => {
      if (!response.ok) throw new Error(`vendor stand-in answered ${response.status}`)
      return response.json()
    })

  let configcat: ConfigCatConfig | undefined
  let launchdarkly: LaunchDarklyConfig | undefined
  let segment: SegmentConfig
  const logger = createConsoleLogger(LogLevel.Off)
  const timeoutMs = setup.launchDarklyTimeoutMs ?? (state.faults?.launchdarkly === 'slow' ? 60_000 : 3_000)

  if (runtime === 'stand-in') {
    await standIn('', state)
    if (setup.flags.configcat)
      configcat = {
        sdkKey: configCatSdkKey(project),
        options: { baseUrl: origin, pollIntervalSeconds: 1, maxInitWaitTimeSeconds: 1, logger },
      }
    if (setup.flags.launchdarkly)
      launchdarkly = {
        clientSideID: project,
        options: {
          baseUrl: origin,
          streamUrl: origin,
          eventsUrl: origin,
          streaming: true,
          fetchGoals: false,
          diagnosticOptOut: true,
          logger: silentLogger,
        },
        timeoutMs,
      }
    segment = { writeKey: project, settings: { cdnURL: `${origin}${STAND_IN_PREFIX}/segment-cdn` } }
    received.pollSegment(
      async () => ((await standIn('/received')) as { segment: Array<{ body: unknown }> }).segment,
    )
  } else if (runtime === 'sdk-offline') {
    if (setup.flags.configcat)
      configcat = {
        sdkKey: configCatSdkKey(project),
        options: {
          flagOverrides: {
            dataSource: { getOverrides: () => prepareConfig(toConfigCatConfig(state.configcat) as never).f },
            behaviour: OverrideBehaviour.LocalOnly,
          },
          logger,
        },
      }
    if (setup.flags.launchdarkly)
      launchdarkly = {
        clientSideID: project,
        options: {
          bootstrap: toLaunchDarklyBootstrap(state.launchdarkly, setup.initialUserId) as never,
          // Nothing is fetched with a bootstrap and these off; if anything were, it stays on this origin.
          baseUrl: `${origin}${STAND_IN_PREFIX}/offline`,
          streamUrl: `${origin}${STAND_IN_PREFIX}/offline`,
          eventsUrl: `${origin}${STAND_IN_PREFIX}/offline`,
          streaming: false,
          sendEvents: false,
          fetchGoals: false,
          diagnosticOptOut: true,
          logger: silentLogger,
        },
        timeoutMs,
      }
    segment = {
      writeKey: project,
      settings: {
        cdnSettings: { integrations: { 'Segment.io': { apiKey: project } } },
        plugins: [capturePlugin(received)],
      },
      options: { integrations: { 'Segment.io': false } },
    }
  } else {
    recorder = createEventRecorder()
    recorder.subscribe((event) => {
      if (event.type === 'track') {
        received.add('segment', event.event, {
          type: 'track',
          event: event.event,
          properties: event.properties,
        })
        received.add('heap', 'track', [event.event, event.heapProperties])
      } else if (event.type === 'identify') {
        received.add('segment', 'identify', { type: 'identify', userId: event.userId, traits: event.traits })
        received.add('heap', 'identify', [event.userId])
      } else {
        received.add('segment', 'reset', { type: 'reset' })
        received.add('heap', 'resetIdentity', [])
      }
    })
    segment = { writeKey: project }
  }

  /** A dashboard flag as the static vendors serve it to this user. */
  const staticFlag = (flag: DemoFlag, userId: string | undefined) => {
    const { value, variationId } = variationFor(flag, userId)
    return { value, variationId, ...(inExperimentFor(flag, userId) ? { inExperiment: true } : {}) }
  }
  const staticFlags = (userId: string | undefined) =>
    Object.fromEntries(
      vendors.map((vendor) => [
        vendor,
        Object.fromEntries(
          Object.entries(state[vendor]).map(([key, flag]) => [key, staticFlag(flag, userId)]),
        ),
      ]),
    )

  const applyStaticFault = (vendor: DemoVendor) => {
    const fault = state.faults?.[vendor]
    const target = staticVendors[vendor]
    if (!target) return
    if (fault === 'slow') target.setState({ status: 'loading' })
    else if (fault === 'down')
      target.setState({
        status: 'error',
        error: new FlagBridgeError('VENDOR_ERROR', `${vendor} is down (demo fault)`),
      })
    else target.setState({ status: 'ready' })
  }

  return {
    project,
    runtime,
    received,
    heap,
    /** The current dashboard, as the vendors serve it. */
    dashboard: (): DashboardState => state,
    /** Props for `<FlagBridgeProvider>` (real SDKs) — `undefined` in the `static` runtime. */
    providerProps: (): Pick<FlagBridgeProviderProps, 'configcat' | 'launchdarkly' | 'segment' | 'heap'> => ({
      configcat,
      launchdarkly,
      segment,
      heap: { api: heap.api },
    }),
    /** For the `static` runtime: flags, recorder and the static vendors' hook. */
    staticProps: () => ({
      flags: staticFlags(setup.initialUserId),
      recorder,
      onVendors: (created: Partial<Record<DemoVendor, StaticVendor>>) => {
        staticVendors = created
        for (const vendor of vendors) applyStaticFault(vendor)
      },
    }),
    /** The static vendors follow per-user values when the user changes (the SDKs do this themselves). */
    userChanged(userId: string | undefined) {
      if (runtime !== 'static' || userId === currentUserId) return
      currentUserId = userId
      for (const vendor of vendors) {
        for (const [key, flag] of Object.entries(state[vendor]))
          staticVendors[vendor]?.setFlag(key, staticFlag(flag, userId))
      }
    },
    /** Changes one flag on the vendor's dashboard (`null` deletes it). */
    async setFlag(vendor: DemoVendor, key: string, flag: DemoFlag | null) {
      if (flag) state[vendor][key] = flag
      else delete state[vendor][key]
      if (runtime === 'stand-in') await standIn('/flags', { vendor, key, flag })
      else if (runtime === 'static')
        staticVendors[vendor]?.setFlag(key, flag ? staticFlag(flag, currentUserId) : undefined)
      // sdk-offline: ConfigCat's LocalOnly overrides read the dashboard on the next evaluation.
    },
    async setFault(vendor: DemoVendor, fault: DemoFault | undefined) {
      state.faults = { ...state.faults, [vendor]: fault }
      if (runtime === 'stand-in') await standIn('/faults', state.faults)
      else applyStaticFault(vendor)
    },
    dispose() {
      received.dispose()
    },
  }
}

export type Demo = Awaited<ReturnType<typeof createDemo>>

/** A story loader: `loaded.demo` is a fresh demo project for this render. */
export function demoLoader(setup: DemoSetup) {
  return async () => ({ demo: await createDemo(await detectVendorMode(), setup) })
}
