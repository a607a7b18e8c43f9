// A smoke test from the outside (issue 18, item 12): a fresh Vite + React + TypeScript app made
// from test/smoke/template, the packed tarballs and the peers the README's Install line names,
// the README's quick start pasted as src/App.tsx, then `tsc`, `vite build`, and the built page
// in Chromium on a network where every request that leaves the app's own server fails.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../support/chromium'
import { type CommandResult, createFreshApp, type FreshApp, run } from './freshApp'
import { serveStatic } from './staticServer'

let app: FreshApp
const log: string[] = []
const started = performance.now()

beforeAll(() => {
  app = createFreshApp()
  const { install } = app
  log.push(
    `README Install: pnpm add ${app.readmeInstall.join(' ')}`,
    `ran: ${install.command.replace(app.workDir, '<tmp>')} (${install.offline ? 'offline, from the pnpm store' : 'online: --offline failed'})`,
  )
  if (install.offlineFailure) log.push(`--offline failed with:\n${install.offlineFailure}`)
}, 180_000)

afterAll(() => {
  if (app) rmSync(app.workDir, { recursive: true, force: true })
  const steps = app?.steps.map((step) => `  ${step.name}: ${step.seconds.toFixed(1)} s`) ?? []
  console.log(
    [
      '',
      'Smoke test: a fresh app',
      ...log,
      ...steps,
      `whole file: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    ].join('\n'),
  )
})

function expectSuccess(result: CommandResult) {
  log.push(
    `${result.command.replace(app.appDir, '.')}: exit ${result.status} (${result.seconds.toFixed(1)} s)`,
  )
  // The output is the message: a failing tsc or vite build shows its errors in the test report.
  expect(result.status, `${result.command}\n${result.output}`).toBe(0)
}

describe('a fresh Vite + React + TypeScript app, set up as the README says', () => {
  it('type-checks the pasted quick start with tsc', () => {
    expectSuccess(run(join(app.appDir, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.'], app.appDir))
  })

  it('builds with vite build', () => {
    expectSuccess(run(join(app.appDir, 'node_modules/.bin/vite'), ['build'], app.appDir))
    expect(existsSync(join(app.appDir, 'dist/index.html'))).toBe(true)
  })

  it('renders the default and reports each unreachable vendor and destination once when the network fails', async () => {
    expect(existsSync(join(app.appDir, 'dist/index.html')), 'vite build produced no dist').toBe(true)
    const server = await serveStatic(join(app.appDir, 'dist'))
    const userDataDir = mkdtempSync(join(tmpdir(), 'flagbridge-smoke-chromium-'))
    let context: BrowserContext | undefined
    try {
      context = await chromium.launchPersistentContext(userDataDir, chromiumLaunchOptions())
      const page = await context.newPage()
      let opened = performance.now()
      const timeline: string[] = []
      const note = (line: string) =>
        timeline.push(`[+${((performance.now() - opened) / 1000).toFixed(2)} s] ${line}`)

      // The network "stubbed to fail": only the app's own server answers, everything else is aborted.
      const aborted: string[] = []
      await context.route(
        (url) => url.origin !== server.origin,
        (route) => {
          const request = route.request()
          aborted.push(request.url())
          note(`aborted: ${request.method()} ${request.url()}`)
          return route.abort('internetdisconnected')
        },
      )
      const reports: { code: string; message: string }[] = []
      const pageErrors: string[] = []
      page.on('console', (message) => {
        const text = message.text()
        note(`console.${message.type()}: ${text}`)
        // The quick start's onError is console.warn(error.code, error.message).
        const report = message.type() === 'warning' ? /^([A-Z][A-Z_]+) ([\s\S]*)$/.exec(text) : null
        if (report) reports.push({ code: report[1]!, message: report[2]! })
      })
      page.on('pageerror', (error) => {
        pageErrors.push(error.message)
        note(`pageerror: ${error.message}`)
      })
      // What the page shows, each time it changes (read from outside the app's code).
      await page.exposeFunction('__smokeRendered', (text: string) => note(`page shows: ${text}`))
      await page.addInitScript(() => {
        let shown: string | null | undefined
        new MutationObserver(() => {
          const text = document.getElementById('root')?.textContent
          if (text === shown) return
          shown = text
          ;(window as unknown as { __smokeRendered(text: string): void }).__smokeRendered(text ?? '')
        }).observe(document, { childList: true, subtree: true, characterData: true })
      })

      opened = performance.now()
      await page.goto(server.origin, { waitUntil: 'domcontentloaded' })
      // Loading ends: at once when the vendors' requests fail, at the latest after their 5 s waits.
      await page.getByText('The classic checkout').waitFor({ timeout: 20_000 })
      const vendorOf = (message: string) =>
        ['ConfigCat', 'LaunchDarkly', 'Segment'].find((name) => message.includes(name))
      const reported = () =>
        reports.map((report) => `${report.code} ${vendorOf(report.message) ?? ''}`.trim()).sort()
      const expected = [
        'DESTINATION_ERROR Segment',
        // The quick start passes heap={{}} and a fresh app has no Heap snippet: reported after 10 s.
        'HEAP_NOT_LOADED',
        'VENDOR_ERROR ConfigCat',
        'VENDOR_ERROR LaunchDarkly',
      ]
      await expect.poll(reported, { timeout: 25_000, interval: 100 }).toEqual(expected)
      // Every wait (5 s per vendor, 10 s for Heap) is over: a repeated report would arrive now.
      await page.waitForTimeout(1_000)

      log.push(
        `Chromium, ${server.origin}, ${aborted.length} requests aborted:`,
        ...timeline.map((line) => `  ${line}`),
      )
      expect(await page.locator('#root').textContent()).toBe('The classic checkout')
      expect(reported()).toEqual(expected)
      expect(pageErrors).toEqual([])
      // The vendors were really tried, and really unreachable.
      const abortedHosts = aborted.map((url) => new URL(url).hostname).join(' ')
      for (const vendor of ['configcat', 'launchdarkly', 'segment']) expect(abortedHosts).toContain(vendor)
    } finally {
      await context?.close()
      await server.close()
      rmSync(userDataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
