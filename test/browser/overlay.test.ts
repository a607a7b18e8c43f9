import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../support/chromium'
import { buildProductionPage } from '../support/productionBuild'

// <FlagDebugOverlay> in Debian's headless Chromium, over the real ConfigCat, LaunchDarkly
// and analytics-next SDKs (offline), in a PRODUCTION build made by Vite.

const repo = fileURLToPath(new URL('../../', import.meta.url))
const appRoot = fileURLToPath(new URL('./overlayApp/', import.meta.url))
const OVERRIDES = 'flagbridge:overrides'
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

let outDir: string
let server: Server
let origin: string
let context: BrowserContext
let userDataDir: string
const escaped: string[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'flagbridge-overlay-'))
  const react = (await import('@vitejs/plugin-react')).default
  await buildProductionPage({ root: appRoot, logLevel: 'warn', plugins: [react()], build: { outDir } })

  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const file = join(outDir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(outDir) || !existsSync(file) || path === '/') {
      // The app for "/", an empty page for anything else (LaunchDarkly's dead base URL included).
      const body =
        path === '/' ? readFileSync(join(outDir, 'index.html')) : '<!doctype html><title>blank</title>'
      response.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html' })
      response.end(body)
      return
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    response.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  userDataDir = mkdtempSync(join(tmpdir(), 'flagbridge-chromium-'))
  context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(),
    viewport: { width: 1100, height: 760 },
  })
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      escaped.push(route.request().url())
      return route.abort('blockedbyclient')
    },
  )
})

afterAll(async () => {
  await context?.close()
  await new Promise((resolve) => server?.close(resolve))
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

async function open(query: string, storage: Record<string, string> | null = {}): Promise<Page> {
  for (const existing of context.pages()) await existing.close()
  const page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('dialog', (dialog) => {
    pageErrors.push(`unexpected ${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  if (storage) {
    await page.goto(`${origin}/blank`)
    await page.evaluate((entries) => {
      localStorage.clear()
      sessionStorage.clear()
      for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value)
    }, storage)
  }
  await page.goto(`${origin}/?${query}`)
  await page.getByTestId('checkout-layout').waitFor()
  return page
}

const flagText = (page: Page, key: string) => page.getByTestId(key).textContent()
const segmentTracks = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as { __segment: Array<{ type: string; event?: string; properties?: object }> }
    ).__segment
      .filter((event) => event.type === 'track')
      .map((event) => event.properties as { feature_flag_key: string; value: unknown }),
  )
const heapTracks = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __heap: Array<[string, ...unknown[]]> }).__heap
      .filter(([name]) => name === 'track')
      .map(([, , properties]) => properties as { feature_flag_key: string; value: unknown }),
  )
async function settledTracks(page: Page, count: number) {
  await expect.poll(async () => (await segmentTracks(page)).length, { timeout: 10_000 }).toBe(count)
}

describe('FlagDebugOverlay in Chromium (production build)', () => {
  it('enabled: opens with Alt+Shift+F, shows the real SDKs’ flags; screenshot for the README', async () => {
    const page = await open('enabled')
    await settledTracks(page, 5)
    await page.keyboard.press('Alt+Shift+KeyF')
    const dialog = page.getByRole('dialog', { name: 'FlagBridge devtools' })
    await dialog.waitFor()
    await expect.poll(() => dialog.getByText('6 of 6 flags').count()).toBe(1)
    // The ConfigCat variation id and the LaunchDarkly variation index, as the SDKs served them.
    await expect
      .poll(() => page.locator('li[data-flag-key="new-checkout"]').textContent())
      .toContain('variation cc-checkout-on')
    expect(await page.locator('li[data-flag-key="checkout-layout"]').textContent()).toContain('variation 1')
    // Markup in a value is text.
    expect(await page.locator('li[data-flag-key="banner-text"] .value').textContent()).toBe(
      '"<img src=x onerror=alert(1)>"',
    )
    expect(await page.locator('flagbridge-devtools img').count()).toBe(0)

    mkdirSync(join(repo, '.vitest-artifacts'), { recursive: true })
    const artifact = join(repo, '.vitest-artifacts/overlay.png')
    await page.screenshot({ path: artifact })
    // The README's picture changes only when asked, so a test run leaves the work tree clean.
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(artifact, join(repo, 'docs/overlay.png'))

    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(pageErrors).toEqual([])
  })

  it('an override re-renders the component, is persisted, and sends no analytics event', async () => {
    const page = await open('enabled&open')
    await settledTracks(page, 5)
    const before = await segmentTracks(page)
    const heapBefore = await heapTracks(page)
    expect(await flagText(page, 'new-checkout')).toContain('new-checkout: true · configcat')

    await page.getByRole('button', { name: 'Set false: new-checkout (configcat)' }).click()
    await expect.poll(() => flagText(page, 'new-checkout')).toContain('new-checkout: false (overridden)')
    expect(await page.locator('li[data-flag-key="new-checkout"] .badge[data-kind=overridden]').count()).toBe(
      1,
    )
    await page.waitForTimeout(500)
    expect(await segmentTracks(page)).toEqual(before)
    expect(await heapTracks(page)).toEqual(heapBefore)
    expect(before.filter((track) => track.feature_flag_key === 'new-checkout')).toEqual([
      expect.objectContaining({ value: true }),
    ])
    // The Events tab has no entry for the overridden value either.
    await page.getByRole('tab', { name: 'Events' }).click()
    const events = await page.locator('flagbridge-devtools li.row').allTextContents()
    expect(events.length).toBeGreaterThan(0)
    expect(events.join('\n')).not.toContain('"value": false')

    const saved = await page.evaluate((key) => localStorage.getItem(key), OVERRIDES)
    expect(JSON.parse(saved ?? '[]')).toEqual([{ key: 'new-checkout', provider: 'configcat', value: false }])
    // A reload of the enabled page applies it again.
    const again = await open('enabled', null)
    await expect.poll(() => flagText(again, 'new-checkout')).toContain('false (overridden)')
  })

  it('production without `enabled`: nothing renders, the shortcut does nothing, saved overrides are ignored', async () => {
    const page = await open('', {
      [OVERRIDES]: JSON.stringify([{ key: 'new-checkout', provider: 'configcat', value: false }]),
    })
    await settledTracks(page, 5)
    await page.keyboard.press('Alt+Shift+KeyF')
    await page.waitForTimeout(200)
    expect(await page.locator('flagbridge-devtools').count()).toBe(0)
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(await flagText(page, 'new-checkout')).toContain('new-checkout: true · configcat')
    expect(
      (await segmentTracks(page)).find((track) => track.feature_flag_key === 'new-checkout'),
    ).toMatchObject({
      value: true,
    })
  })

  it('axe finds no violations in any tab (colour contrast included)', async () => {
    const page = await open('enabled&open')
    await page.addScriptTag({ path: join(repo, 'node_modules/axe-core/axe.min.js') })
    for (const tab of ['Flags', 'Events', 'Identity', 'Health']) {
      await page.getByRole('tab', { name: tab }).click()
      if (tab === 'Flags')
        await page.getByRole('button', { name: 'Edit: checkout-layout (launchdarkly)' }).click()
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
        const result = await axe.run({ include: [['flagbridge-devtools']] } as never)
        return result.violations.map(
          (violation) => `${violation.id}: ${violation.nodes.length} × ${violation.help}`,
        )
      })
      expect(violations, `${tab} tab`).toEqual([])
    }
  })

  it('page CSS can’t restyle it, and it doesn’t restyle the page', async () => {
    const styles = (page: Page) =>
      page.evaluate(() => {
        const root = document.querySelector('flagbridge-devtools')?.shadowRoot
        const pick = (element: Element | null | undefined) => {
          if (!element) return null
          const style = getComputedStyle(element)
          return { color: style.color, fontSize: style.fontSize, display: style.display }
        }
        const text = document.getElementById('page-text')!
        return {
          title: pick(root?.querySelector('.title')),
          key: pick(root?.querySelector('.key')),
          button: pick(root?.querySelector('.launcher')),
          page: pick(text),
          pageBox: text.getBoundingClientRect().toJSON(),
        }
      })
    const plain = await styles(await open('enabled&open'))
    const hostile = await styles(await open('enabled&open&hostile'))
    expect(plain.title).toEqual({ color: 'rgb(243, 244, 246)', fontSize: '14px', display: 'block' })
    expect(hostile.title).toEqual(plain.title)
    expect(hostile.key).toEqual(plain.key)
    expect(hostile.button).toEqual(plain.button)
    // The hostile sheet does reach the page (the test would prove nothing otherwise).
    expect(hostile.page).toMatchObject({ color: 'rgb(255, 0, 0)', fontSize: '40px' })

    // The page looks the same with and without the overlay.
    const without = await styles(await open(''))
    expect(plain.page).toEqual(without.page)
    expect(plain.pageBox).toEqual(without.pageBox)
  })

  it('fits a 360 px wide viewport', async () => {
    const page = await open('enabled&open')
    await page.setViewportSize({ width: 360, height: 640 })
    const box = await page.getByRole('dialog', { name: 'FlagBridge devtools' }).boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(360)
    expect(box!.y + box!.height).toBeLessThanOrEqual(640)
    const launcher = await page
      .getByRole('button', { name: 'FlagBridge devtools', exact: true })
      .boundingBox()
    expect(launcher!.x + launcher!.width).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(repo, '.vitest-artifacts/overlay-360.png') })
    await page.setViewportSize({ width: 1100, height: 760 })
  })

  it('1,000 flags and 5,000 events: open and filter times in Chromium', async () => {
    const page = await context.newPage()
    await page.goto(`${origin}/?enabled&perf`)
    await page.locator('flagbridge-devtools').waitFor({ state: 'attached' })
    await page.evaluate(() => (window as unknown as { __fillLog(): void }).__fillLog())
    const figures = await page.evaluate(async () => {
      const root = document.querySelector('flagbridge-devtools')!.shadowRoot!
      const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
      const time = async (action: () => void) => {
        const start = performance.now()
        action()
        await settle()
        return performance.now() - start
      }
      const type = async (input: HTMLInputElement, text: string) => {
        const times: number[] = []
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
        for (let index = 1; index <= text.length; index++)
          times.push(
            await time(() => {
              setter.call(input, text.slice(0, index))
              input.dispatchEvent(new Event('input', { bubbles: true }))
            }),
          )
        return times.sort((a, b) => a - b)
      }
      const launcher = root.querySelector<HTMLButtonElement>('.launcher')!
      const openFlags = await time(() => launcher.click())
      const flagRows = root.querySelectorAll('li.row').length
      const flagKeys = await type(root.querySelector('input[type=search]')!, 'flag-09')
      const filteredFlags = root.querySelector('.count')!.textContent
      const eventsTab = [...root.querySelectorAll<HTMLButtonElement>('[role=tab]')].find(
        (tab) => tab.textContent === 'Events',
      )!
      const openEvents = await time(() => eventsTab.click())
      const eventRows = root.querySelectorAll('li.row').length
      const totalEvents = root.querySelector('.count')!.textContent
      const eventKeys = await type(root.querySelector('input[type=search]')!, 'flag-49')
      return {
        openFlags,
        flagRows,
        flagKeystrokeMedian: flagKeys[Math.floor(flagKeys.length / 2)]!,
        flagKeystrokeMax: flagKeys.at(-1)!,
        filteredFlags,
        openEvents,
        eventRows,
        totalEvents,
        eventKeystrokeMedian: eventKeys[Math.floor(eventKeys.length / 2)]!,
        eventKeystrokeMax: eventKeys.at(-1)!,
      }
    })
    console.info(
      `[devtools] Chromium: ${JSON.stringify(figures, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(1)) : v))}`,
    )
    expect(figures.flagRows).toBe(100)
    expect(figures.filteredFlags).toBe('100 of 1000 flags')
    expect(figures.eventRows).toBe(100)
    expect(figures.totalEvents).toBe('5000 of 5000 events')
    expect(figures.openFlags).toBeLessThan(500)
    expect(figures.flagKeystrokeMedian).toBeLessThan(100)
    expect(figures.openEvents).toBeLessThan(500)
    expect(figures.eventKeystrokeMedian).toBeLessThan(100)
  })

  it('nothing left 127.0.0.1 and no page errors', () => {
    expect(escaped).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
