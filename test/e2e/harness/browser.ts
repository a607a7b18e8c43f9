import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { chromiumLaunchOptions } from '../../support/chromium'

/**
 * Debian's headless Chromium through playwright-core, launched as VENDOR-NOTES says. Every
 * request whose host is not 127.0.0.1 is aborted and counted in `escaped` (must stay empty).
 */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'flagbridge-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(),
  })
  const escaped: string[] = []
  const consoleErrors: string[] = []
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    // Counted by the request listener below; aborted here so nothing leaves the machine.
    (route) => route.abort('blockedbyclient'),
  )
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol.startsWith('http') && url.hostname !== '127.0.0.1') escaped.push(request.url())
  })

  return {
    context,
    escaped,
    consoleErrors,
    /** A fresh tab with empty cookies and storage for the origin; page errors are collected. */
    async freshPage(origin: string): Promise<Page> {
      for (const page of context.pages()) await page.close()
      await context.clearCookies()
      const page = await context.newPage()
      page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`))
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text())
        if (process.env.E2E_DEBUG)
          console.log(`[${Date.now() % 100000}] console.${message.type()}: ${message.text().slice(0, 160)}`)
      })
      await page.goto(`${origin}/blank`)
      await page.evaluate(() => {
        localStorage.clear()
        sessionStorage.clear()
      })
      return page
    },
    async close() {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

export type Browser = Awaited<ReturnType<typeof launchBrowser>>
