import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { configCatOffline, configCatSdkKey } from './fixtures'

// A stand-in for Segment's settings CDN and tracking API: every request is recorded, in order.
let requests: Array<{ method: string; path: string; body: Record<string, unknown> | undefined }> = []
let settingsFailures = 0
let origin = ''
const server = createServer((req, res) => {
  let text = ''
  req.on('data', (chunk) => {
    text += chunk
  })
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    requests.push({ method: req.method ?? '', path, body: text ? JSON.parse(text) : undefined })
    const headers = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' }
    if (path.startsWith('/cdn/v1/projects/')) {
      if (settingsFailures > 0) {
        settingsFailures--
        res.writeHead(500, headers).end('{}')
        return
      }
      const apiHost = `${new URL(origin).host}/api`
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ integrations: { 'Segment.io': { apiKey: 'wk', apiHost, protocol: 'http' } } }))
      return
    }
    res.writeHead(200, headers).end('{}')
  })
})
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  requests = []
  settingsFailures = 0
})

/** What the stand-in received, as `GET /cdn/…/settings` and `POST /api/t track Feature Flag Evaluated`. */
function received() {
  return requests.map(({ method, path, body }) =>
    method === 'GET'
      ? `GET ${path}`
      : `${method} ${path} ${body?.type}${body?.event ? ` ${body.event}` : ''} ${body?.userId}`,
  )
}

/** A Heap API that records every property FlagBridge reads from it (a method is read before it is called). */
function watchedHeap() {
  const touched: string[] = []
  const heap = {
    loaded: true,
    identify() {},
    resetIdentity() {},
    addUserProperties() {},
    addEventProperties() {},
    removeEventProperty() {},
    track() {},
  }
  const api = new Proxy(heap, {
    get(target, property, receiver) {
      touched.push(String(property))
      return Reflect.get(target, property, receiver)
    },
  })
  return { api, touched }
}

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, false)
  return <p data-testid={flag}>{String(value)}</p>
}

// Lets requests already under way arrive (act: the vendor SDKs update state meanwhile).
const settled = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))

describe('consent false: nothing is loaded from or sent to Segment or Heap', () => {
  it('no settings request and no Heap access until consent; then one settings request and what waited, in order', async () => {
    const writeKey = `wk-consent-${Math.random().toString(36).slice(2)}`
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const sdkKey = configCatSdkKey()
    const heap = watchedHeap()
    const view = (consent: boolean) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ writeKey, settings: { cdnURL: `${origin}/cdn` } }}
        heap={{ api: heap.api }}
        user={{ id: 'u1' }}
        tracking={{ dedupe: 'page', consent }}
      >
        <Show flag="beta" />
      </FlagBridgeProvider>
    )
    const { rerender } = render(view(false))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    await settled()
    expect(received()).toEqual([])
    expect(heap.touched).toEqual([])

    rerender(view(true))
    await waitFor(() => expect(received()).toHaveLength(3))
    await settled()
    expect(received()).toEqual([
      `GET /cdn/v1/projects/${writeKey}/settings`,
      'POST /api/i identify u1',
      'POST /api/t track Feature Flag Evaluated u1',
    ])
    expect(heap.touched.filter((name) => ['identify', 'track'].includes(name))).toEqual(['identify', 'track'])
  })
})

describe('the Segment loader', () => {
  it('a load that failed is not kept: the next provider with that write key loads again', async () => {
    const writeKey = `wk-retry-${Math.random().toString(36).slice(2)}`
    settingsFailures = 1
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const sdkKey = configCatSdkKey()
    const app = () => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ writeKey, settings: { cdnURL: `${origin}/cdn` } }}
        user={{ id: 'u1' }}
        tracking={{ dedupe: 'page' }}
      >
        <Show flag="beta" />
      </FlagBridgeProvider>
    )
    const first = render(app())
    await waitFor(() => expect(received()).toEqual([`GET /cdn/v1/projects/${writeKey}/settings`]))
    await settled()
    first.unmount()

    render(app())
    await waitFor(() => expect(received()).toHaveLength(4))
    await settled()
    errors.mockRestore()
    expect(received()).toEqual([
      `GET /cdn/v1/projects/${writeKey}/settings`,
      `GET /cdn/v1/projects/${writeKey}/settings`,
      'POST /api/i identify u1',
      'POST /api/t track Feature Flag Evaluated u1',
    ])
  })
})
