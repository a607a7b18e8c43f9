// End to end: the packed @flagbridge packages, the real vendor SDKs and analytics-next in
// headless Chromium, against local stand-ins for ConfigCat, LaunchDarkly, Segment and Heap.
import { rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser } from './harness/browser'
import { buildHarnessApp } from './harness/buildApp'
import {
  heapCalls,
  heapDuplicates,
  type SegmentEvent,
  segmentDuplicates,
  segmentEvents,
  segmentExposures,
} from './harness/recorded'
import { createReliabilityReport } from './harness/reliability'
import { type ConfigCatSetting, startVendorServer, type VendorServer } from './harness/vendorServer'

let server: VendorServer
let browser: Browser
let workDir: string
const report = createReliabilityReport()
const POLL = { timeout: 10_000, interval: 50 }

beforeAll(async () => {
  const built = await buildHarnessApp()
  workDir = built.workDir
  server = await startVendorServer(built.outDir)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
  console.log(
    `\nFlagBridge e2e reliability (${report.elapsedSeconds().toFixed(1)} s)\n${report.table()}\n` +
      `requests that left 127.0.0.1: ${browser?.escaped.length ?? 'n/a'}\n`,
  )
  report.write(process.env.FLAGBRIDGE_E2E_REPORT)
})

/** A valid ConfigCat SDK key, distinct per scenario (the SDK caches config per key). */
function configCatKey(name: string) {
  return `configcat-sdk-1/${name.padEnd(22, '-').slice(0, 22)}/${'e2e'.padEnd(22, '0')}`
}

const CHECKOUT_ON: ConfigCatSetting = {
  t: 0,
  v: { b: true },
  i: 'cc-checkout-on',
  // user-2 is targeted off by Identifier: a user switch must re-evaluate.
  r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['user-2'] } }], s: { v: { b: false }, i: 'cc-checkout-off' } }],
}

function appUrl(params: Record<string, string | number | undefined>) {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value))
  return `${server.origin}/?${query}`
}

async function flag(page: Page, key: string) {
  const element = page.getByTestId(`flag-${key}`)
  return {
    value: JSON.parse((await element.getAttribute('data-value')) ?? 'null') as unknown,
    loading: (await element.getAttribute('data-loading')) === 'true',
    variation: await element.getAttribute('data-variation'),
    source: await element.getAttribute('data-source'),
    error: await element.getAttribute('data-error'),
  }
}

async function flagValue(page: Page, key: string) {
  return (await flag(page, key)).value
}

/** identity|provider|flag|variation, for both destinations' exposures. */
function exposureId(
  identity: string | null | undefined,
  provider: unknown,
  key: unknown,
  variation: unknown,
) {
  return `${identity ?? 'anonymous'}|${provider}|${key}|${variation}`
}

function segmentExposureIds(events: SegmentEvent[]) {
  return events.map((event) =>
    exposureId(
      event.userId,
      event.properties?.flag_provider,
      event.properties?.feature_flag_key,
      event.properties?.variation_id,
    ),
  )
}

function heapExposureIds() {
  return heapCalls(server, 'track').map((call) =>
    exposureId(
      call.identity,
      call.args[1].flag_provider,
      call.args[1].feature_flag_key,
      call.args[1].variation_id,
    ),
  )
}

/** Runs a scenario on a fresh tab and records its figures for the reliability table. */
function scenario(name: string, run: (page: Page) => Promise<void>) {
  it(name, async () => {
    server.reset()
    report.start(name)
    const escapedBefore = browser.escaped.length
    const page = await browser.freshPage(server.origin)
    try {
      await run(page)
      expect(browser.escaped.slice(escapedBefore), 'requests that left 127.0.0.1').toEqual([])
      report.pass()
    } catch (error) {
      // What the stand-ins saw and what the page said: enough to tell a harness slip from a bug.
      console.log(
        `--- ${name}: requests\n${server.requests.map((r) => `${r.seq} ${r.method} ${r.path} ${r.status} ${typeof r.body === 'object' ? JSON.stringify(r.body).slice(0, 300) : ''}`).join('\n')}\n` +
          `--- page errors (${browser.consoleErrors.length})\n${[...new Set(browser.consoleErrors)].join('\n')}\n--- page\n${await page
            .locator('body')
            .innerHTML()
            .catch(() => '')}`,
      )
      throw error
    } finally {
      report.requests(server.requests.length)
      await page.close()
    }
  })
}

/** Accounts the scenario's exposures: what was expected against what the stand-ins recorded. */
function account(expected: { segment?: string[]; heap?: string[] }) {
  if (expected.segment) {
    const delivered = segmentExposureIds(segmentExposures(server))
    report.account('segment', expected.segment, delivered, segmentDuplicates(server))
    expect(segmentDuplicates(server), 'Segment deliveries of an already delivered messageId').toBe(0)
    expect([...delivered].sort()).toEqual([...expected.segment].sort())
  }
  if (expected.heap) {
    const delivered = heapExposureIds()
    report.account('heap', expected.heap, delivered, heapDuplicates(server))
    expect(heapDuplicates(server), 'Heap tracks of an exposure already tracked').toBe(0)
    expect([...delivered].sort()).toEqual([...expected.heap].sort())
  }
}

describe('FlagBridge in Chromium with the real SDKs', () => {
  scenario('1. both vendors, both destinations, signed-in user', async (page) => {
    const cc = configCatKey('signed-in')
    server.setConfigCat(cc, { 'new-checkout': CHECKOUT_ON })
    server.setLaunchDarkly('ld-signed-in', () => ({ 'banner-text': { value: 'Summer sale', variation: 2 } }))
    await page.goto(
      appUrl({
        cc,
        ld: 'ld-signed-in',
        seg: 'wk-signed-in',
        heap: 'heap-env-1',
        user: 'user-1',
        flags: 'new-checkout:bool,banner-text:text:launchdarkly',
      }),
    )
    await expect.poll(() => flagValue(page, 'new-checkout'), POLL).toBe(true)
    await expect.poll(() => flagValue(page, 'banner-text'), POLL).toBe('Summer sale')
    expect(await flag(page, 'new-checkout')).toMatchObject({
      variation: 'cc-checkout-on',
      source: 'configcat',
    })
    expect(await flag(page, 'banner-text')).toMatchObject({ variation: '2', source: 'launchdarkly' })

    await expect.poll(() => segmentExposures(server).length, POLL).toBe(2)
    await expect.poll(() => heapCalls(server, 'track').length, POLL).toBe(2)
    // Settle: nothing more may arrive (re-renders, vendor events).
    await page.waitForTimeout(500)

    const identifies = segmentEvents(server, 'identify')
    expect(identifies).toHaveLength(1)
    expect(identifies[0]).toMatchObject({
      userId: 'user-1',
      traits: { name: 'Ada', country: 'GB', plan: 'pro' },
    })
    expect(identifies[0]!.traits).not.toHaveProperty('email')
    const tracks = segmentExposures(server)
    const byKey = Object.fromEntries(tracks.map((event) => [event.properties!.feature_flag_key, event]))
    expect(byKey['new-checkout']!.event).toBe('Feature Flag Evaluated')
    expect(byKey['new-checkout']!.userId).toBe('user-1')
    expect(byKey['new-checkout']!.properties).toEqual({
      feature_flag_key: 'new-checkout',
      value: true,
      variation_id: 'cc-checkout-on',
      flag_provider: 'configcat',
      user: { id: 'user-1', name: 'Ada', country: 'GB', plan: 'pro' },
    })
    expect(byKey['new-checkout']!.context!.integration).toEqual({ name: 'configcat', version: '1.0.0' })
    expect(byKey['banner-text']!.userId).toBe('user-1')
    expect(byKey['banner-text']!.properties).toEqual({
      feature_flag_key: 'banner-text',
      value: 'Summer sale',
      variation_id: '2',
      flag_provider: 'launchdarkly',
      user: { id: 'user-1', name: 'Ada', country: 'GB', plan: 'pro' },
    })
    expect(byKey['banner-text']!.context!.integration).toEqual({ name: 'launchdarkly', version: '1.0.0' })
    // The identify reached Segment before the user's first exposure.
    const order = segmentEvents(server).map((event) => event.type)
    expect(order.indexOf('identify')).toBeLessThan(order.indexOf('track'))
    // No private attribute in any payload that left the browser for analytics.
    expect(JSON.stringify(segmentEvents(server))).not.toContain('ada@example.com')

    const heap = heapCalls(server)
    expect(heap.filter((call) => call.name === 'identify').map((call) => call.args)).toEqual([['user-1']])
    expect(heap.filter((call) => call.name === 'addUserProperties').map((call) => call.args)).toEqual([
      [{ ldUserId: 'user-1', name: 'Ada', country: 'GB', plan: 'pro' }],
    ])
    expect(heap.findIndex((call) => call.name === 'identify')).toBeLessThan(
      heap.findIndex((call) => call.name === 'track'),
    )
    const heapTracks = heapCalls(server, 'track')
    expect(
      heapTracks
        .map((call) => call.args)
        .sort((a, b) => a[1].feature_flag_key.localeCompare(b[1].feature_flag_key)),
    ).toEqual([
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'banner-text',
          value: 'Summer sale',
          variation_id: '2',
          flag_provider: 'launchdarkly',
        },
      ],
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'new-checkout',
          value: true,
          variation_id: 'cc-checkout-on',
          flag_provider: 'configcat',
        },
      ],
    ])
    for (const call of heapTracks) expect(call.identity).toBe('user-1')
    const last = heap[heap.length - 1]!
    expect(last.eventProperties).toEqual({ 'new-checkout': true, 'banner-text': 'Summer sale' })
    for (const call of heap) expect(call.cookieSize).toBeLessThanOrEqual(3000)
    expect(JSON.stringify(heap)).not.toContain('ada@example.com')

    // The real SDKs talked to the stand-ins: ConfigCat's CDN, LaunchDarkly's evalx for user-1.
    expect(server.of('configcat', 200).length).toBeGreaterThanOrEqual(1)
    expect(server.of('ld-evalx', 200).map((request) => request.body)).toContainEqual(
      expect.objectContaining({ kind: 'user', key: 'user-1', name: 'Ada', email: 'ada@example.com' }),
    )
    account({
      segment: [
        exposureId('user-1', 'configcat', 'new-checkout', 'cc-checkout-on'),
        exposureId('user-1', 'launchdarkly', 'banner-text', '2'),
      ],
      heap: [
        exposureId('user-1', 'configcat', 'new-checkout', 'cc-checkout-on'),
        exposureId('user-1', 'launchdarkly', 'banner-text', '2'),
      ],
    })
  })
})
