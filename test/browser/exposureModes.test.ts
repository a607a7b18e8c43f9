import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser } from '../e2e/harness/browser'
import { heapCalls, segmentEvents } from '../e2e/harness/recorded'
import { startVendorServer, type VendorServer } from '../e2e/harness/vendorServer'
import { buildProductionPage } from '../support/productionBuild'

// Exposure modes in Debian's headless Chromium: a production build of test/browser/exposureApp
// over the real ConfigCat and LaunchDarkly SDKs, analytics-next and the Heap snippet, all talking
// HTTP to the vendor stand-in server. What reaches Segment's API and heap.js is asserted exactly,
// after the page has settled.

const appRoot = fileURLToPath(new URL('./exposureApp/', import.meta.url))
const SETTLE_MS = 1_500
const POLL = { timeout: 15_000, interval: 50 }
let outDir: string
let server: VendorServer
let browser: Browser
let scenario = 0

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'flagbridge-exposure-'))
  const react = (await import('@vitejs/plugin-react')).default
  await buildProductionPage({ root: appRoot, logLevel: 'warn', plugins: [react()], build: { outDir } })
  server = await startVendorServer(outDir)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
  expect(browser?.escaped ?? [], 'requests that left 127.0.0.1').toEqual([])
})

/** A fresh ConfigCat key and Segment write key per scenario: the SDKs cache per key. */
function keys(name: string) {
  scenario++
  const id = `${name}-${scenario}`
  return {
    cc: `configcat-sdk-1/${id.padEnd(22, '-').slice(0, 22)}/${'exposure'.padEnd(22, '0')}`,
    seg: `seg-${id}`,
    ld: `ld-${id}`,
  }
}

async function open(params: Record<string, string>) {
  server.reset()
  const page = await browser.freshPage(server.origin)
  await page.setViewportSize({ width: 1000, height: 700 })
  await page.goto(`${server.origin}/?${new URLSearchParams(params)}`, { waitUntil: 'domcontentloaded' })
  return page
}

const settle = (page: Page) => page.waitForTimeout(SETTLE_MS)
const trackedKeys = () =>
  segmentEvents(server, 'track').map(
    (event) => event.properties?.feature_flag_key ?? event.properties?.experiment_id,
  )
const heapTrackedKeys = () =>
  heapCalls(server, 'track').map((call) => call.args[1]?.feature_flag_key ?? call.args[1]?.experiment_id)

describe('expose modes in Chromium, over the real SDKs', () => {
  it("'visible': a flag below the fold is not sent until scrolled into view; a closed menu's flag when it opens", async () => {
    const { cc, seg } = keys('fold')
    server.setConfigCat(cc, {
      'hero-layout': { t: 1, v: { s: 'wide' }, i: 'cc-hero-wide' },
      'menu-new-item': { t: 0, v: { b: true }, i: 'cc-menu-on' },
      'promo-banner': { t: 0, v: { b: true }, i: 'cc-promo-on' },
    })
    const page = await open({ cc, seg, heap: 'heap-fold' })
    await page.getByText('Hero: wide').waitFor()
    await expect.poll(trackedKeys, POLL).toEqual(['hero-layout'])
    // The promo rendered its served value below the fold, long enough ago to count if it were in view.
    expect(await page.getByTestId('promo').textContent()).toBe('The new promo')
    await settle(page)
    expect(trackedKeys()).toEqual(['hero-layout'])
    expect(heapTrackedKeys()).toEqual(['hero-layout'])

    await page.getByTestId('promo').scrollIntoViewIfNeeded()
    await expect.poll(trackedKeys, POLL).toEqual(['hero-layout', 'promo-banner'])

    await page.evaluate(() => window.scrollTo(0, 0))
    await page.getByRole('button', { name: 'Menu' }).click()
    await page.getByTestId('menu').waitFor()
    await expect.poll(trackedKeys, POLL).toEqual(['hero-layout', 'promo-banner', 'menu-new-item'])
    // Closed and opened again: still once.
    await page.getByRole('button', { name: 'Menu' }).click()
    await page.getByRole('button', { name: 'Menu' }).click()
    await settle(page)
    expect(trackedKeys()).toEqual(['hero-layout', 'promo-banner', 'menu-new-item'])
    expect(heapTrackedKeys()).toEqual(['hero-layout', 'promo-banner', 'menu-new-item'])
    expect(segmentEvents(server, 'track').map((event) => [event.userId, event.properties])).toEqual([
      [
        'user-1',
        {
          feature_flag_key: 'hero-layout',
          value: 'wide',
          variation_id: 'cc-hero-wide',
          flag_provider: 'configcat',
          user: { name: 'Ada' },
        },
      ],
      [
        'user-1',
        {
          feature_flag_key: 'promo-banner',
          value: true,
          variation_id: 'cc-promo-on',
          flag_provider: 'configcat',
          user: { name: 'Ada' },
        },
      ],
      [
        'user-1',
        {
          feature_flag_key: 'menu-new-item',
          value: true,
          variation_id: 'cc-menu-on',
          flag_provider: 'configcat',
          user: { name: 'Ada' },
        },
      ],
    ])
  })

  it("'visible': sent once across re-renders and remounts; never while scrolled away", async () => {
    const { cc, seg } = keys('once')
    server.setConfigCat(cc, {
      'hero-layout': { t: 1, v: { s: 'wide' }, i: 'cc-hero-wide' },
      'menu-new-item': { t: 0, v: { b: false }, i: 'cc-menu-off' },
      'promo-banner': { t: 0, v: { b: false }, i: 'cc-promo-off' },
    })
    const page = await open({ cc, seg })
    await expect.poll(trackedKeys, POLL).toEqual(['hero-layout'])
    for (let round = 1; round <= 3; round++) {
      await page.getByRole('button', { name: 'Re-render' }).click()
      await page.getByRole('button', { name: 'Remount' }).click()
    }
    expect(await page.getByTestId('hero').getAttribute('data-renders')).toBe('3')
    await settle(page)
    expect(trackedKeys()).toEqual(['hero-layout'])
    // Passing the promo in less than a second (scrolled past) is not seeing it.
    await page.getByTestId('promo').scrollIntoViewIfNeeded()
    await page.evaluate(() => window.scrollTo(0, 0))
    await settle(page)
    expect(trackedKeys()).toEqual(['hero-layout'])
  })
})

/** Three flags: one LaunchDarkly serves in an experiment, one it doesn't, one plain ConfigCat flag. */
function experimentFlags(name: string) {
  const { cc, seg, ld } = keys(name)
  server.setConfigCat(cc, { 'banner-text': { t: 1, v: { s: 'Hello' }, i: 'cc-banner-hello' } })
  server.setLaunchDarkly(ld, () => ({
    'checkout-experiment': { value: 'b', variation: 1, reason: { kind: 'FALLTHROUGH', inExperiment: true } },
    'nav-layout': { value: 'sidebar', variation: 0, reason: { kind: 'FALLTHROUGH' } },
  }))
  return { cc, seg, ld, flags: 'checkout-experiment,nav-layout,banner-text' }
}

async function showsAll(page: Page) {
  await page.getByText('checkout-experiment=b').waitFor()
  await page.getByText('nav-layout=sidebar').waitFor()
  await page.getByText('banner-text=Hello').waitFor()
}

describe("tracking.exposures: 'experiments' and Experiment Viewed, in Chromium over the real SDKs", () => {
  it("'experiments' sends only the experiment flag of three", async () => {
    const { flags, ...vendors } = experimentFlags('experiments')
    const page = await open({ ...vendors, heap: 'heap-exp', flags, exposures: 'experiments' })
    await showsAll(page)
    await expect.poll(trackedKeys, POLL).toEqual(['checkout-experiment'])
    await settle(page)
    expect(trackedKeys()).toEqual(['checkout-experiment'])
    await expect.poll(heapTrackedKeys, POLL).toEqual(['checkout-experiment'])
    // LaunchDarkly sent the reasons because the client asked for them: FlagBridge creates its
    // clients with evaluationReasons on.
    expect(server.of('ld-evalx').map((request) => request.query.withReasons)).toEqual(['true'])
  })

  it('a ConfigCat flag served through a percentage option is an experiment', async () => {
    const { cc, seg } = keys('percentage')
    server.setConfigCat(cc, {
      'banner-text': { t: 1, v: { s: 'Hello' }, i: 'cc-banner-hello' },
      'checkout-split': {
        t: 1,
        a: 'Identifier',
        p: [
          { p: 100, v: { s: 'new' }, i: 'cc-split-new' },
          { p: 0, v: { s: 'old' }, i: 'cc-split-old' },
        ],
        v: { s: 'old' },
        i: 'cc-split-default',
      } as never,
    })
    const page = await open({ cc, seg, flags: 'checkout-split,banner-text', exposures: 'experiments' })
    await page.getByText('checkout-split=new').waitFor()
    await page.getByText('banner-text=Hello').waitFor()
    await expect.poll(trackedKeys, POLL).toEqual(['checkout-split'])
    await settle(page)
    expect(segmentEvents(server, 'track').map((event) => event.properties)).toEqual([
      {
        feature_flag_key: 'checkout-split',
        value: 'new',
        variation_id: 'cc-split-new',
        flag_provider: 'configcat',
        user: { name: 'Ada' },
      },
    ])
  })

  it('Experiment Viewed beside Feature Flag Evaluated: exact payloads at Segment’s API and in heap.js', async () => {
    const { flags, ...vendors } = experimentFlags('experiment-viewed')
    const page = await open({
      ...vendors,
      heap: 'heap-ev',
      flags,
      exposures: 'experiments',
      events: 'Experiment Viewed,Feature Flag Evaluated',
    })
    await showsAll(page)
    await expect.poll(() => segmentEvents(server, 'track').length, POLL).toBe(2)
    await expect.poll(() => heapCalls(server, 'track').length, POLL).toBe(2)
    await settle(page)
    expect(
      segmentEvents(server, 'track').map(({ event, userId, properties, context }) => ({
        event,
        userId,
        properties,
        integration: context?.integration,
      })),
    ).toEqual([
      {
        event: 'Experiment Viewed',
        userId: 'user-1',
        properties: {
          experiment_id: 'checkout-experiment',
          experiment_name: 'checkout-experiment',
          variation_id: '1',
          variation_name: 'b',
        },
        integration: { name: 'launchdarkly', version: '1.0.0' },
      },
      {
        event: 'Feature Flag Evaluated',
        userId: 'user-1',
        properties: {
          feature_flag_key: 'checkout-experiment',
          value: 'b',
          variation_id: '1',
          flag_provider: 'launchdarkly',
          user: { name: 'Ada' },
        },
        integration: { name: 'launchdarkly', version: '1.0.0' },
      },
    ])
    expect(heapCalls(server, 'track').map((call) => [call.identity, ...call.args])).toEqual([
      [
        'user-1',
        'Experiment Viewed',
        {
          experiment_id: 'checkout-experiment',
          experiment_name: 'checkout-experiment',
          variation_id: '1',
          variation_name: 'b',
        },
      ],
      [
        'user-1',
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'checkout-experiment',
          value: 'b',
          variation_id: '1',
          flag_provider: 'launchdarkly',
        },
      ],
    ])
  })
})
