// A real Next.js 16 App Router app (test/e2e/next-app), built with `next build` from the PACKED
// @flagbridge packages and run with `next start`: the server evaluates both vendors' flags for
// the request's user with their server SDKs (@configcat/sdk, @launchdarkly/node-server-sdk)
// against the local stand-ins, the browser hydrates and tracks. Chromium talks to one origin
// (the stand-in server, which passes app requests on to Next).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser } from './harness/browser'
import { buildNextApp, type NextServer, startNextApp } from './harness/nextApp'
import { heapCalls, type SegmentEvent, segmentEvents, segmentExposures } from './harness/recorded'
import { type ConfigCatSetting, startVendorServer, type VendorServer } from './harness/vendorServer'

// What the app's pages leave on window (test/e2e/next-app/app/providers.tsx, Flags.tsx).
declare global {
  interface Window {
    __flagbridgeErrors?: string[]
    __renders?: Array<{ key: string; value: unknown; hydrated: boolean }>
  }
}

const POLL = { timeout: 10_000, interval: 50 }
const CC_KEY = `configcat-sdk-1/${'next-app'.padEnd(22, '-')}/${'e2e'.padEnd(22, '0')}`
const CC_FAILING_KEY = `configcat-sdk-1/${'next-app-down'.padEnd(22, '-')}/${'e2e'.padEnd(22, '0')}`
const LD_ENV = 'ld-next-env'
const LD_SDK_KEY = 'sdk-next-server'

/** On for everyone but Bob, who is targeted off by Identifier. */
const CHECKOUT: ConfigCatSetting = {
  t: 0,
  v: { b: true },
  i: 'cc-checkout-on',
  r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['bob'] } }], s: { v: { b: false }, i: 'cc-checkout-off' } }],
}

let server: VendorServer
let next: NextServer
let browser: Browser
let buildSeconds = 0
const started = Date.now()

function nextEnv(configCatKey: string, launchDarklySdkKey: string) {
  return {
    VENDOR_ORIGIN: server.origin,
    CONFIGCAT_SDK_KEY: configCatKey,
    LAUNCHDARKLY_SDK_KEY: launchDarklySdkKey,
    LAUNCHDARKLY_CLIENT_SIDE_ID: LD_ENV,
    SEGMENT_WRITE_KEY: 'wk-next',
  }
}

beforeAll(async () => {
  buildSeconds = buildNextApp().seconds
  server = await startVendorServer('/nonexistent')
  server.setConfigCat(CC_KEY, { 'new-checkout': CHECKOUT })
  server.failConfigCat(CC_FAILING_KEY, 500)
  server.setLaunchDarklyRules(LD_ENV, LD_SDK_KEY, {
    'banner-text': {
      variations: ['Welcome', 'Hello Bob', 'Summer sale'],
      fallthrough: 2,
      targets: { bob: 1 },
    },
  })
  next = await startNextApp(nextEnv(CC_KEY, LD_SDK_KEY))
  server.proxyApp(next.origin)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await next?.stop()
  await server?.close()
  console.log(
    `\nNext.js suite: next build ${buildSeconds.toFixed(1)} s, whole file ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `requests that left 127.0.0.1: ${browser?.escaped.length ?? 'n/a'}\n`,
  )
})

/** The served HTML as text, React's text separators (`<!-- -->`) removed. */
function textOf(html: string) {
  return html.replaceAll('<!-- -->', '')
}

/** Everything the page logged (any level) and every uncaught error, from now on. */
function watchConsole(page: Page) {
  const messages: string[] = []
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`))
  return messages
}

/** ConfigCat CDN requests from the browser's SDK (configcat-react), not from the server's. */
function browserConfigCatFetches() {
  return server.of('configcat').filter((request) => String(request.query.sdk).startsWith('ConfigCat-React'))
}

/** Whether `first` was called (analytics-next's `timestamp`) no later than every one of `then`. */
function calledBefore(first: SegmentEvent, then: SegmentEvent[]) {
  const time = (event: SegmentEvent) => Date.parse(String(event.timestamp))
  return then.length > 0 && then.every((event) => time(first) <= time(event))
}

async function renders(page: Page) {
  return page.evaluate(() => window.__renders ?? [])
}

async function shown(page: Page, testId: string) {
  return page.getByTestId(testId).getAttribute('data-value')
}

/** Waits for the page and the stand-ins to go quiet, so a late duplicate would be seen. */
async function settle(page: Page) {
  await page.waitForTimeout(1500)
}

async function openAs(page: Page, path: string, session: string | undefined) {
  if (session) await page.context().addCookies([{ name: 'session', value: session, url: server.origin }])
  const response = await page.goto(`${server.origin}${path}`, { waitUntil: 'domcontentloaded' })
  expect(response?.status()).toBe(200)
  return textOf((await response?.text()) ?? '')
}

const ADA = { name: 'Ada', plan: 'pro' }
const BOB = { name: 'Bob', plan: 'free' }

describe('Next.js App Router', () => {
  it('serves both vendors in the server HTML, hydrates cleanly, sends each exposure once, switches users on sign-in', async () => {
    server.reset()
    // The server's SDKs start on the first request; after that ConfigCat's CDN answers slowly, as a
    // real one may: a browser client that had to fetch before showing values would render defaults.
    expect((await fetch(`${server.origin}/`, { headers: { cookie: 'session=ada' } })).status).toBe(200)
    server.fault('configcat', { kind: 'slow', ms: 1500 })
    const page = await browser.freshPage(server.origin)
    const escapedBefore = browser.escaped.length
    const messages = watchConsole(page)

    const html = await openAs(page, '/?heap=heap-next', 'ada')
    // The raw HTML from the server already carries the served values of both vendors.
    expect(html).toContain(
      '<li data-testid="new-checkout" data-value="true" data-source="configcat">checkout=true</li>',
    )
    expect(html).toContain(
      '<li data-testid="banner-text" data-value="&quot;Summer sale&quot;" data-source="launchdarkly">banner=Summer sale</li>',
    )
    expect(html).not.toContain('default banner')

    await expect.poll(() => page.evaluate(() => document.body.dataset.hydrated), POLL).toBe('true')
    await expect.poll(() => segmentExposures(server).length, POLL).toBe(2)
    await expect.poll(() => heapCalls(server, 'track').length, POLL).toBe(2)
    await settle(page)

    // Every render in the browser, hydration included, showed the served values: 0 defaults.
    const firstRenders = await renders(page)
    expect(firstRenders.length).toBeGreaterThanOrEqual(2)
    expect(firstRenders.filter((render) => render.key === 'new-checkout' && render.value !== true)).toEqual(
      [],
    )
    expect(
      firstRenders.filter((render) => render.key === 'banner-text' && render.value !== 'Summer sale'),
    ).toEqual([])
    // Served from what the server sent: the browser's SDKs fetched nothing (ConfigCat's next poll
    // is due a minute after the server's fetch, with its ETag).
    expect(server.of('ld-evalx')).toEqual([])
    expect(browserConfigCatFetches()).toEqual([])

    expect(segmentEvents(server, 'identify').map((event) => [event.userId, event.traits])).toEqual([
      ['ada', ADA],
    ])
    expect(
      segmentExposures(server)
        .map((event) => ({
          userId: event.userId,
          properties: event.properties,
          integration: event.context?.integration,
        }))
        .sort((a, b) =>
          String(a.properties?.feature_flag_key).localeCompare(String(b.properties?.feature_flag_key)),
        ),
    ).toEqual([
      {
        userId: 'ada',
        properties: {
          feature_flag_key: 'banner-text',
          value: 'Summer sale',
          variation_id: '2',
          flag_provider: 'launchdarkly',
          user: ADA,
        },
        integration: { name: 'launchdarkly', version: '1.0.0' },
      },
      {
        userId: 'ada',
        properties: {
          feature_flag_key: 'new-checkout',
          value: true,
          variation_id: 'cc-checkout-on',
          flag_provider: 'configcat',
          user: ADA,
        },
        integration: { name: 'configcat', version: '1.0.0' },
      },
    ])
    // The identify was called before the user's first exposure (events travel in parallel, so
    // arrival order says nothing; analytics-next stamps each call's time).
    expect(calledBefore(segmentEvents(server, 'identify')[0]!, segmentExposures(server))).toBe(true)
    expect(
      heapCalls(server)
        .filter((call) => call.name !== 'addEventProperties')
        .map((call) => [call.name, ...call.args]),
    ).toEqual([
      ['identify', 'ada'],
      ['addUserProperties', { ldUserId: 'ada', ...ADA }],
      ...[
        [
          'track',
          'Feature Flag Evaluated',
          expect.objectContaining({ feature_flag_key: expect.any(String) }),
        ],
        [
          'track',
          'Feature Flag Evaluated',
          expect.objectContaining({ feature_flag_key: expect.any(String) }),
        ],
      ],
    ])
    expect(
      heapCalls(server, 'track')
        .map((call) => call.args[1])
        .sort((a, b) => a.feature_flag_key.localeCompare(b.feature_flag_key)),
    ).toEqual([
      {
        feature_flag_key: 'banner-text',
        value: 'Summer sale',
        variation_id: '2',
        flag_provider: 'launchdarkly',
      },
      {
        feature_flag_key: 'new-checkout',
        value: true,
        variation_id: 'cc-checkout-on',
        flag_provider: 'configcat',
      },
    ])
    for (const call of heapCalls(server, 'track')) expect(call.identity).toBe('ada')
    expect(JSON.stringify([segmentEvents(server), heapCalls(server)])).not.toContain('ada@example.com')

    // A soft navigation to a page reading the same flags, then router.refresh(): no new event.
    const rendersBefore = (await renders(page)).length
    await page.getByTestId('to-second').click()
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Second')
    await page.getByTestId('refresh').click()
    await settle(page)
    expect((await renders(page)).length).toBeGreaterThan(rendersBefore)
    expect(
      (await renders(page)).filter((render) => render.value === false || render.value === 'default banner'),
    ).toEqual([])
    expect(segmentExposures(server)).toHaveLength(2)
    expect(segmentEvents(server, 'identify')).toHaveLength(1)
    expect(heapCalls(server, 'track')).toHaveLength(2)
    // The second page came as an RSC payload: no full page load (Heap's page counter is still 1).
    expect(new Set(heapCalls(server).map((call) => call.page)).size).toBe(1)

    // Sign-in: a Server Action sets the cookie, then router.refresh(): Bob's values, Bob's events.
    await page.getByTestId('sign-in-bob').click()
    await expect.poll(() => shown(page, 'new-checkout'), POLL).toBe('false')
    await expect.poll(() => shown(page, 'banner-text'), POLL).toBe('"Hello Bob"')
    await expect.poll(() => segmentExposures(server).length, POLL).toBe(4)
    await settle(page)

    expect(segmentEvents(server, 'identify').map((event) => [event.userId, event.traits])).toEqual([
      ['ada', ADA],
      ['bob', BOB],
    ])
    expect(calledBefore(segmentEvents(server, 'identify')[1]!, segmentExposures(server).slice(2))).toBe(true)
    expect(
      segmentExposures(server)
        .slice(2)
        .map((event) => [
          event.userId,
          event.properties?.feature_flag_key,
          event.properties?.value,
          event.properties?.variation_id,
        ])
        .sort(),
    ).toEqual([
      ['bob', 'banner-text', 'Hello Bob', '1'],
      ['bob', 'new-checkout', false, 'cc-checkout-off'],
    ])
    const heapAfter = heapCalls(server).filter((call) => call.name === 'identify' || call.name === 'track')
    expect(
      heapAfter
        .slice(3)
        .map((call) => [call.name, call.args[0], call.args[1]?.feature_flag_key])
        .slice(0, 1),
    ).toEqual([['identify', 'bob', undefined]])
    expect(
      heapCalls(server, 'track')
        .slice(2)
        .map((call) => [call.identity, call.args[1].feature_flag_key, call.args[1].value])
        .sort(),
    ).toEqual([
      ['bob', 'banner-text', 'Hello Bob'],
      ['bob', 'new-checkout', false],
    ])
    // LaunchDarkly identified the browser's client to Bob's context, the one the server evaluated.
    expect(server.of('ld-evalx', 200).map((request) => request.body)).toEqual([
      {
        kind: 'user',
        key: 'bob',
        name: 'Bob',
        email: 'bob@example.com',
        plan: 'free',
        _meta: { privateAttributes: ['email'] },
      },
    ])

    // No hydration warning or error, and nothing else went wrong in the console.
    expect(messages.filter((message) => /hydrat|did not match|#418|#423|#425/i.test(message))).toEqual([])
    expect(
      messages.filter((message) => message.startsWith('error') || message.startsWith('pageerror')),
    ).toEqual([])
    expect(await page.evaluate(() => window.__flagbridgeErrors ?? [])).toEqual([])
    expect(next.logs.filter((line) => line.includes('[server onError]'))).toEqual([])
    expect(browser.escaped.slice(escapedBefore)).toEqual([])
    await page.close()
  })

  it('renders with defaults and reports errors when ConfigCat answers 500 and the LaunchDarkly server SDK fails', async () => {
    server.reset()
    await next.stop()
    // A second server whose ConfigCat key answers 500 and whose LaunchDarkly SDK key is refused (401).
    next = await startNextApp(nextEnv(CC_FAILING_KEY, 'sdk-refused'))
    server.proxyApp(next.origin)
    const page = await browser.freshPage(server.origin)
    const escapedBefore = browser.escaped.length
    const messages = watchConsole(page)

    const html = await openAs(page, '/?heap=heap-next', 'ada')
    expect(html).toContain('checkout=false</li>')
    expect(html).toContain('banner=default banner</li>')
    await expect
      .poll(
        () => next.logs.filter((line) => line.includes('[server onError]')).map((line) => line.slice(0, 100)),
        POLL,
      )
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining('VENDOR_ERROR [flagbridge] ConfigCat on the server has no config'),
          expect.stringContaining('VENDOR_ERROR [flagbridge] LaunchDarkly on the server did not init'),
        ]),
      )
    expect(next.logs.filter((line) => line.includes('[server onError]'))).toHaveLength(2)

    // In the browser: ConfigCat's CDN fails too (reported), LaunchDarkly's client fetches its own flags.
    await expect
      .poll(() => page.evaluate(() => window.__flagbridgeErrors ?? []), POLL)
      .toEqual([expect.stringMatching(/^VENDOR_ERROR \[flagbridge\] ConfigCat could not fetch its config/)])
    await expect.poll(() => shown(page, 'banner-text'), POLL).toBe('"Summer sale"')
    expect(await shown(page, 'new-checkout')).toBe('false')
    await settle(page)
    // Only served values are exposures: LaunchDarkly's, once; ConfigCat's default is not sent.
    expect(segmentExposures(server).map((event) => event.properties?.feature_flag_key)).toEqual([
      'banner-text',
    ])
    expect(messages.filter((message) => /hydrat|did not match|#418|#423|#425/i.test(message))).toEqual([])
    expect(messages.filter((message) => message.startsWith('pageerror'))).toEqual([])
    expect(browser.escaped.slice(escapedBefore)).toEqual([])
    await page.close()
  })
})
