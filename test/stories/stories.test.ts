import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../support/chromium'
import { buildStorybook, serveStorybook } from './storyServer'

// Every story's play function, in Debian's headless Chromium, against the static build:
// once with the vendor stand-in that `pnpm demo` mounts on the dev server (the real SDKs
// fetch and post over HTTP), once as a plain static host (the offline fallbacks). A story
// fails on a thrown play function, a render error, an unhandled error or a console error;
// the run fails if any request leaves 127.0.0.1.

const outputDir = resolve(import.meta.dirname, '../../.vitest-artifacts/storybook-static')
// STORIES_REUSE_BUILD=1 reuses the last build while working on the test itself.
if (!process.env.STORIES_REUSE_BUILD) {
  const buildMs = await buildStorybook(outputDir)
  console.log(`storybook build: ${(buildMs / 1000).toFixed(1)} s`)
}

interface IndexEntry {
  type: 'story' | 'docs'
  id: string
  title: string
  name: string
  tags?: string[]
}
const index = JSON.parse(readFileSync(join(outputDir, 'index.json'), 'utf8')) as {
  entries: Record<string, IndexEntry>
}
const stories = Object.values(index.entries).filter((entry) => entry.type === 'story')

/** What the test reads from a story's parameters: `parameters.storyTest`. */
interface StoryTestParameters {
  /** Console errors the story provokes on purpose (substrings), e.g. a vendor answering 503. */
  allowedConsoleErrors?: string[]
  /** Run axe-core over the story (and the overlay's shadow root) once its play function passed. */
  axe?: boolean
}

const axeScript = resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js')

// Runs in the page before Storybook: records the preview channel's story events.
const RECORD_STORY_EVENTS = () => {
  const w = window as unknown as {
    __storyEvents: Array<{ type: string; args: unknown[] }>
    __STORYBOOK_ADDONS_CHANNEL__?: unknown
  }
  w.__storyEvents = []
  const watched = [
    'storyRendered',
    'storyFinished',
    'playFunctionThrewException',
    'storyThrewException',
    'storyErrored',
    'storyMissing',
    'unhandledErrorsWhilePlaying',
  ]
  let channel: unknown
  Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => channel,
    set(value: { on(type: string, listener: (...args: unknown[]) => void): void }) {
      channel = value
      for (const type of watched)
        value.on(type, (...args: unknown[]) => {
          w.__storyEvents.push({
            type,
            args: args.map((arg) => {
              try {
                return JSON.parse(JSON.stringify(arg, (_key, v) => (v instanceof Error ? String(v) : v)))
              } catch {
                return String(arg)
              }
            }),
          })
        })
    },
  })
}

const TERMINAL = new Set([
  'storyRendered',
  'playFunctionThrewException',
  'storyThrewException',
  'storyErrored',
  'storyMissing',
])

let browser: Browser
const escaped: string[] = []
const isLocal = (url: URL) =>
  !url.protocol.startsWith('http') || url.hostname === '127.0.0.1' || url.hostname === 'localhost'

beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions())
})

afterAll(async () => {
  await browser?.close()
  expect(escaped, 'requests that tried to leave 127.0.0.1').toEqual([])
})

async function runStory(origin: string, id: string) {
  // A fresh context per story: empty cookies, storage and caches, like a first visit.
  const context = await browser.newContext()
  // Nothing may leave the machine: such requests are aborted and counted.
  await context.route(
    (url) => !isLocal(url),
    (route) => route.abort('blockedbyclient'),
  )
  context.on('request', (request) => {
    if (!isLocal(new URL(request.url()))) escaped.push(request.url())
  })
  await context.addInitScript(RECORD_STORY_EVENTS)
  const page = await context.newPage()
  const consoleErrors: string[] = []
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  try {
    await page.goto(`${origin}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`)
    await page.waitForFunction(
      (terminal) =>
        (window as unknown as { __storyEvents: Array<{ type: string }> }).__storyEvents.some((event) =>
          terminal.includes(event.type),
        ),
      [...TERMINAL],
      { timeout: 25_000, polling: 50 },
    )
    const { events, parameters } = await page.evaluate(() => {
      const w = window as unknown as {
        __storyEvents: Array<{ type: string; args: unknown[] }>
        __STORYBOOK_PREVIEW__?: { currentRender?: { story?: { parameters?: Record<string, unknown> } } }
      }
      return {
        events: w.__storyEvents,
        parameters: (w.__STORYBOOK_PREVIEW__?.currentRender?.story?.parameters?.storyTest ??
          {}) as StoryTestParameters,
      }
    })
    const failures = events
      .filter((event) => event.type !== 'storyRendered' && event.type !== 'storyFinished')
      // The first lines say what failed; the DOM dump that follows is noise here.
      .map((event) => `${event.type}: ${JSON.stringify(event.args).slice(0, 600)}`)
    const unexpectedConsole = consoleErrors.filter(
      (text) => !(parameters.allowedConsoleErrors ?? []).some((allowed) => text.includes(allowed)),
    )
    let violations: string[] = []
    if (parameters.axe && failures.length === 0) {
      await page.addScriptTag({ path: axeScript })
      violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
        const result = await axe.run(document, { resultTypes: ['violations'] })
        return result.violations.map(
          (violation) => `${violation.id}: ${violation.nodes.length} × ${violation.help}`,
        )
      })
    }
    return { failures, consoleErrors: unexpectedConsole, requests, violations }
  } finally {
    await context.close()
  }
}

describe.each([
  { mode: 'vendor stand-in', standIn: true },
  { mode: 'static build, offline', standIn: false },
])('stories ($mode)', ({ standIn }) => {
  let server: Awaited<ReturnType<typeof serveStorybook>>
  beforeAll(async () => {
    server = await serveStorybook(outputDir, { standIn })
  })
  afterAll(() => server?.close())

  it.each(stories.map((story) => [`${story.title} › ${story.name}`, story.id]))(
    '%s',
    async (_name, id) => {
      const result = await runStory(server.origin, id)
      expect(result.failures, 'play function or render failures').toEqual([])
      expect(result.consoleErrors, 'console errors').toEqual([])
      expect(result.violations, 'axe violations').toEqual([])
      if (standIn) {
        // The real SDKs really talked to the stand-in (not to an offline fallback).
        expect(
          result.requests.some(
            (url) =>
              url.includes('/__vendors/') ||
              url.includes('/sdk/evalx/') ||
              url.includes('/configuration-files/'),
          ),
        ).toBe(true)
      }
    },
    40_000,
  )
})
