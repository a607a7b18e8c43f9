// @vitest-environment jsdom

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createConfigCatVendor,
  createFlagBridge,
  createHeapDestination,
  createLaunchDarklyVendor,
  createSegmentDestination,
  type FlagBridgeUser,
} from '@flagbridge/core'
import { initialize } from 'launchdarkly-js-client-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import * as configcat from './configCatSdk'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

const LONG_TEXT = 'A very long announcement text. '.repeat(10)

const CONFIGCAT_CONFIG = {
  p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' },
  f: {
    newCheckout: { t: 0, v: { b: true }, i: 'var-checkout-on' },
    announcement: { t: 1, v: { s: LONG_TEXT }, i: 'var-announcement-1' },
    maxItems: { t: 2, v: { i: 25 }, i: 'var-max-25' },
  },
}

const LD_BOOTSTRAP = {
  'dark-mode': true,
  layout: { columns: 3 },
  'no-meta': 'shown',
  $flagsState: { 'dark-mode': { variation: 1, version: 2 }, layout: { variation: 0, version: 5 } },
  $valid: true,
}

// LaunchDarkly's evalx endpoint, standing in locally: the bridge identifies on connect, and the
// real client fetches the context's flags; it serves the bootstrapped flags to every context.
let server: Server
let ldBaseUrl: string
beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*')
    response.setHeader('Access-Control-Allow-Headers', '*')
    if (request.method === 'OPTIONS') return void response.end()
    const body: Record<string, unknown> = {}
    for (const key of ['dark-mode', 'layout', 'no-meta'] as const) {
      const variation = LD_BOOTSTRAP.$flagsState[key as 'layout']?.variation
      body[key] = { value: LD_BOOTSTRAP[key], variation, version: 1, flagVersion: 1, trackEvents: false }
    }
    response.setHeader('Content-Type', 'application/json')
    response.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ldBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const USER: FlagBridgeUser = {
  id: 'user-1',
  email: 'ada@example.com',
  name: 'Ada',
  country: 'UK',
  attributes: { plan: 'pro', seats: 3 },
  privateAttributes: ['email', 'seats'],
}

let keyCounter = 0
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  // Each test is a new visit: no storage, cookies (Segment's ids) or window.heap left behind.
  clearBrowserState()
})

function configCatVendor() {
  const settings = configcat.prepareConfig(CONFIGCAT_CONFIG as configcat.ConfigJson.Config).f ?? {}
  const client = configcat.getClient(
    `configcat-sdk-1/flagbridge-contract-test/${String(++keyCounter).padStart(22, '0')}`,
    configcat.PollingMode.ManualPoll,
    {
      flagOverrides: {
        dataSource: { getOverrides: () => settings },
        behaviour: configcat.OverrideBehaviour.LocalOnly,
      },
      logger: configcat.createConsoleLogger(configcat.LogLevel.Off),
    },
  )
  cleanups.push(() => client.dispose())
  return createConfigCatVendor(client)
}

function launchDarklyVendor() {
  const client = initialize(
    'env-contract',
    { kind: 'user', anonymous: true },
    {
      bootstrap: LD_BOOTSTRAP,
      baseUrl: ldBaseUrl,
      eventsUrl: ldBaseUrl,
      streamUrl: ldBaseUrl,
      streaming: false,
      sendEvents: false,
      fetchGoals: false,
      diagnosticOptOut: true,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    },
  )
  cleanups.push(() => client.close())
  // As the React binding does: the vendor knows which context the client was created with.
  const vendor = createLaunchDarklyVendor(client, {
    bootstrap: LD_BOOTSTRAP,
    context: { kind: 'user', anonymous: true },
  })
  return Object.assign(vendor, { client })
}

/** A moment with nothing more arriving: a late duplicate would show in the exact list after it. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 100))

/** Waits until LaunchDarkly has the flags of the context the bridge identified on connect. */
async function settled(bridge: ReturnType<typeof createFlagBridge>) {
  await vi.waitFor(() => expect(bridge.store.getEvaluation('dark-mode', false).loading).toBe(false))
}

describe('Segment: the real @segment/analytics-next receives exactly the contract', () => {
  test('identify first, then one track per exposure with every field (signed-in user, ConfigCat)', async () => {
    const segment = loadCapturedSegment()
    const bridge = createFlagBridge({
      vendors: { configcat: configCatVendor() },
      destinations: [createSegmentDestination(segment.browser)],
      user: USER,
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    bridge.recordExposure(bridge.store.getEvaluation('newCheckout', false))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(2))
    await quiet()
    const analytics = await segment.ready
    const [identify, track] = segment.captured
    expect(identify).toMatchObject({
      type: 'identify',
      userId: 'user-1',
      traits: { name: 'Ada', country: 'UK', plan: 'pro' },
    })
    // Private attributes never leave: not in traits, not in the event.
    expect(identify!.traits).toStrictEqual({ name: 'Ada', country: 'UK', plan: 'pro' })
    expect(track).toMatchObject({
      type: 'track',
      event: 'Feature Flag Evaluated',
      userId: 'user-1',
      anonymousId: analytics.user().anonymousId(),
    })
    expect(track!.properties).toStrictEqual({
      feature_flag_key: 'newCheckout',
      value: true,
      variation_id: 'var-checkout-on',
      flag_provider: 'configcat',
      user: { name: 'Ada', country: 'UK', plan: 'pro' },
    })
    expect(track!.context!.integration).toStrictEqual({ name: 'configcat', version: '1.0.0' })
    expect(JSON.stringify(segment.captured)).not.toContain('ada@example.com')
    expect(JSON.stringify(track)).not.toContain('seats')
  })

  test('a text value longer than maxValueLength is sent as its variation id; numbers as they are', async () => {
    const segment = loadCapturedSegment()
    const bridge = createFlagBridge({
      vendors: { configcat: configCatVendor() },
      destinations: [createSegmentDestination(segment.browser)],
      user: { id: 'user-2' },
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    bridge.recordExposure(bridge.store.getEvaluation('announcement', ''))
    bridge.recordExposure(bridge.store.getEvaluation('maxItems', 0))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(3))
    await quiet()
    expect(segment.captured.map((event) => event.properties)).toStrictEqual([
      undefined,
      {
        feature_flag_key: 'announcement',
        value: 'var-announcement-1',
        variation_id: 'var-announcement-1',
        flag_provider: 'configcat',
        user: {},
      },
      {
        feature_flag_key: 'maxItems',
        value: 25,
        variation_id: 'var-max-25',
        flag_provider: 'configcat',
        user: {},
      },
    ])
  })

  test('anonymous (LaunchDarkly): no userId, no user property, Segment’s own anonymousId on every event', async () => {
    const segment = loadCapturedSegment()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor() },
      destinations: [createSegmentDestination(segment.browser)],
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    bridge.recordExposure(bridge.store.getEvaluation('layout', {}))
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(3))
    await quiet()
    const anonymousId = (await segment.ready).user().anonymousId()
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/)
    for (const event of segment.captured) {
      expect(event.type).toBe('track')
      expect(event.event).toBe('Feature Flag Evaluated')
      expect(event.anonymousId).toBe(anonymousId)
      expect(event.userId ?? null).toBeNull()
      expect(event.context!.integration).toStrictEqual({ name: 'launchdarkly', version: '1.0.0' })
    }
    expect(segment.captured.map((event) => event.properties)).toStrictEqual([
      { feature_flag_key: 'dark-mode', value: true, variation_id: '1', flag_provider: 'launchdarkly' },
      { feature_flag_key: 'layout', value: { columns: 3 }, variation_id: '0', flag_provider: 'launchdarkly' },
      // No variation known: no variation_id key at all.
      { feature_flag_key: 'no-meta', value: 'shown', flag_provider: 'launchdarkly' },
    ])
  })

  test('sign-in identifies before the user’s first exposure; sign-out resets to a new anonymousId', async () => {
    const segment = loadCapturedSegment()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor() },
      destinations: [createSegmentDestination(segment.browser)],
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    const analytics = await segment.ready
    const firstAnonymousId = analytics.user().anonymousId()
    await settled(bridge)
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    await bridge.identify({ id: 'user-3', name: 'Cy' })
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(3))
    await bridge.identify(undefined)
    const secondAnonymousId = analytics.user().anonymousId()
    expect(secondAnonymousId).not.toBe(firstAnonymousId)
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(4))
    await quiet()
    expect(
      segment.captured.map((event) => [
        event.type,
        event.userId ?? null,
        event.anonymousId,
        event.properties?.user,
      ]),
    ).toStrictEqual([
      ['track', null, firstAnonymousId, undefined],
      ['identify', 'user-3', firstAnonymousId, undefined],
      ['track', 'user-3', firstAnonymousId, { name: 'Cy' }],
      ['track', null, secondAnonymousId, undefined],
    ])
  })
})

describe('overrides sent with tracking.trackOverrides', () => {
  // An override is a developer's or a test's value, not what the vendor served: when the app asks
  // for overrides to be sent, analytics must be able to tell them apart, and the vendor's own value
  // shown after the override is cleared is still a real exposure of its own.
  test('Segment: the override is marked overridden: true; the vendor’s same value afterwards is still sent, unmarked', async () => {
    const segment = loadCapturedSegment()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor() },
      destinations: [createSegmentDestination(segment.browser)],
      user: { id: 'user-5' },
      tracking: { dedupe: 'page', trackOverrides: true },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    // 'no-meta' comes without a variation: the override and the vendor serve the same 'shown'.
    bridge.setOverride('no-meta', 'shown')
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    bridge.store.clearOverride('no-meta')
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    await vi.waitFor(() => expect(segment.captured).toHaveLength(3))
    await quiet()
    expect(segment.captured.map((event) => [event.type, event.userId, event.properties])).toStrictEqual([
      ['identify', 'user-5', undefined],
      [
        'track',
        'user-5',
        {
          feature_flag_key: 'no-meta',
          value: 'shown',
          flag_provider: 'launchdarkly',
          user: {},
          overridden: true,
        },
      ],
      [
        'track',
        'user-5',
        { feature_flag_key: 'no-meta', value: 'shown', flag_provider: 'launchdarkly', user: {} },
      ],
    ])
  })

  test('Heap: the override is marked overridden: true; the vendor’s same value afterwards is still sent, unmarked', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor() },
      destinations: [createHeapDestination()],
      user: { id: 'user-6' },
      tracking: { dedupe: 'page', trackOverrides: true },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    bridge.setOverride('no-meta', 'shown')
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    bridge.store.clearOverride('no-meta')
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    await quiet()
    expect(heap.calls.filter((call) => call.name === 'track')).toStrictEqual([
      {
        name: 'track',
        args: [
          'Feature Flag Evaluated',
          { feature_flag_key: 'no-meta', value: 'shown', flag_provider: 'launchdarkly', overridden: true },
        ],
      },
      {
        name: 'track',
        args: [
          'Feature Flag Evaluated',
          { feature_flag_key: 'no-meta', value: 'shown', flag_provider: 'launchdarkly' },
        ],
      },
    ])
  })
  test('Heap: an override is not kept as an event property, so the app’s later Heap events carry only what the vendor served', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor() },
      destinations: [createHeapDestination()],
      user: { id: 'user-7' },
      tracking: { dedupe: 'page', trackOverrides: true },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    bridge.setOverride('dark-mode', false)
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    bridge.setOverride('no-meta', 'preview')
    bridge.recordExposure(bridge.store.getEvaluation('no-meta', ''))
    await quiet()
    expect(heap.calls.filter((call) => call.name === 'track').map((call) => call.args[1])).toStrictEqual([
      { feature_flag_key: 'dark-mode', value: true, variation_id: '1', flag_provider: 'launchdarkly' },
      { feature_flag_key: 'dark-mode', value: false, flag_provider: 'launchdarkly', overridden: true },
      { feature_flag_key: 'no-meta', value: 'preview', flag_provider: 'launchdarkly', overridden: true },
    ])
    expect(heap.eventProperties).toStrictEqual({ 'dark-mode': true })
  })
})

describe('Heap: what reaches heap.js', () => {
  test('identify + addUserProperties (no private traits), then track with scalars and the flag as an event property', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const bridge = createFlagBridge({
      vendors: { launchdarkly: launchDarklyVendor(), configcat: configCatVendor() },
      destinations: [createHeapDestination()],
      user: USER,
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    bridge.recordExposure(bridge.store.getEvaluation('newCheckout', false))
    bridge.recordExposure(bridge.store.getEvaluation('layout', {}))
    expect(heap.calls).toStrictEqual([
      { name: 'identify', args: ['user-1'] },
      // The client was created for an anonymous visitor: ldUserId follows once LaunchDarkly is on user-1.
      { name: 'addUserProperties', args: [{ name: 'Ada', country: 'UK', plan: 'pro' }] },
      { name: 'addUserProperties', args: [{ ldUserId: 'user-1' }] },
      {
        name: 'track',
        args: [
          'Feature Flag Evaluated',
          {
            feature_flag_key: 'newCheckout',
            value: true,
            variation_id: 'var-checkout-on',
            flag_provider: 'configcat',
          },
        ],
      },
      { name: 'addEventProperties', args: [{ newCheckout: true }] },
      {
        name: 'track',
        args: [
          'Feature Flag Evaluated',
          {
            feature_flag_key: 'layout',
            value: '{"columns":3}',
            variation_id: '0',
            flag_provider: 'launchdarkly',
          },
        ],
      },
      { name: 'addEventProperties', args: [{ layout: '{"columns":3}' }] },
    ])
    expect(heap.identity()).toBe('user-1')
    expect(heap.eventProperties).toStrictEqual({ newCheckout: true, layout: '{"columns":3}' })
  })

  test('sign-out calls resetIdentity; anonymous visitors are never identified, but carry LaunchDarkly’s key', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const launchdarkly = launchDarklyVendor()
    const bridge = createFlagBridge({
      vendors: { launchdarkly },
      destinations: [createHeapDestination()],
      tracking: { dedupe: 'page' },
    })
    cleanups.push(() => bridge.dispose())
    await settled(bridge)
    // LaunchDarkly generates the anonymous key while it starts; Heap hears it then.
    await vi.waitFor(() => expect(heap.calls).toHaveLength(1))
    const anonymousKey = (launchdarkly.client.getContext() as { key: string }).key
    bridge.recordExposure(bridge.store.getEvaluation('dark-mode', false))
    await bridge.identify({ id: 'user-4' })
    await bridge.identify(undefined)
    await vi.waitFor(() => expect(heap.calls.at(-1)?.name).toBe('addUserProperties'))
    await quiet()
    const signedOutKey = (launchdarkly.client.getContext() as { key: string }).key
    expect(heap.calls).toStrictEqual([
      // LaunchDarkly's own key for the anonymous visitor; Heap is never told to identify them.
      { name: 'addUserProperties', args: [{ ldUserId: anonymousKey }] },
      {
        name: 'track',
        args: [
          'Feature Flag Evaluated',
          { feature_flag_key: 'dark-mode', value: true, variation_id: '1', flag_provider: 'launchdarkly' },
        ],
      },
      { name: 'addEventProperties', args: [{ 'dark-mode': true }] },
      // The anonymous visitor's flags don't ride on user-4's events.
      { name: 'removeEventProperty', args: ['dark-mode'] },
      { name: 'identify', args: ['user-4'] },
      { name: 'addUserProperties', args: [{ ldUserId: 'user-4' }] },
      { name: 'resetIdentity', args: [] },
      { name: 'addUserProperties', args: [{ ldUserId: signedOutKey }] },
    ])
    expect(anonymousKey).toMatch(/^[0-9a-f-]{36}$/)
    expect(heap.identity()).toBeNull()
  })
})
