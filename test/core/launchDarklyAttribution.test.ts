// @vitest-environment jsdom
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createFlagBridge,
  createLaunchDarklyVendor,
  type Exposure,
  type FlagBridgeUser,
  toLaunchDarklyContext,
} from '@flagbridge/core'
import { initialize, type LDClient } from 'launchdarkly-js-client-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'

// LaunchDarkly's evalx endpoint, standing in locally: each user gets their own variation of
// `checkout`; a context's answer can be held back or fail.
const VARIATION: Record<string, number> = { a: 0, b: 1, c: 2 }
const held = new Map<string, Array<() => void>>()
const failing = new Map<string, number>()
const requested: string[] = []
let server: Server
let baseUrl: string

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*')
    response.setHeader('Access-Control-Allow-Headers', '*')
    if (request.method === 'OPTIONS') return void response.end()
    const match = /^\/sdk\/evalx\/[^/]+\/contexts\/([^/?]+)/.exec(request.url ?? '')
    if (!match) return void response.writeHead(404).end()
    const { key } = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { key: string }
    requested.push(key)
    const answer = () => {
      const failures = failing.get(key) ?? 0
      if (failures > 0) {
        failing.set(key, failures - 1)
        return void response.writeHead(503).end('unavailable')
      }
      const variation = VARIATION[key] ?? 0
      response.setHeader('Content-Type', 'application/json')
      response.end(
        JSON.stringify({
          checkout: { value: `${key}-variant`, variation, version: 1, flagVersion: 1, trackEvents: false },
        }),
      )
    }
    const queue = held.get(key)
    if (queue) queue.push(answer)
    else answer()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const clients: LDClient[] = []
const bridges: Array<{ dispose(): void }> = []
afterEach(async () => {
  for (const bridge of bridges.splice(0)) bridge.dispose()
  for (const client of clients.splice(0)) await client.close()
  held.clear()
  failing.clear()
  requested.length = 0
  vi.useRealTimers()
})

/** Holds back the evalx answers for `key` until the returned function releases them. */
function hold(key: string) {
  held.set(key, [])
  return () => {
    const answers = held.get(key) ?? []
    held.delete(key)
    for (const answer of answers) answer()
  }
}

/** A real client created for user `a` (no bootstrap), still fetching a's flags. */
function startClientForA(a: FlagBridgeUser = { id: 'a' }) {
  const client = initialize('env-attribution', toLaunchDarklyContext(a) as never, {
    baseUrl,
    eventsUrl: baseUrl,
    streamUrl: baseUrl,
    streaming: false,
    sendEvents: false,
    fetchGoals: false,
    diagnosticOptOut: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  clients.push(client)
  return client
}

/** A real client created for user `a`, with a's flags already in (no bootstrap). */
async function clientForA(a?: FlagBridgeUser) {
  const client = startClientForA(a)
  await client.waitForInitialization(5)
  return client
}

/** A bridge over the client with a destination that records every exposure it is sent. */
function bridgeOver(client: LDClient, user: FlagBridgeUser, createdFor: FlagBridgeUser = { id: 'a' }) {
  const exposures: Exposure[] = []
  const errors: string[] = []
  const bridge = createFlagBridge({
    vendors: {
      launchdarkly: createLaunchDarklyVendor(client, { context: toLaunchDarklyContext(createdFor) }),
    },
    destinations: [
      {
        name: 'recorder',
        state: () => ({ status: 'ready' }),
        subscribe: () => () => {},
        describe: (call) => ({ name: call.kind, payload: undefined }),
        send: (call) => {
          if (call.kind === 'track') exposures.push(call.exposure)
        },
      },
    ],
    user,
    tracking: { dedupe: 'none' },
    onError: (error) => errors.push(error.code),
  })
  bridges.push(bridge)
  /** What a component showing `checkout` would record after each commit. */
  const show = () => {
    const evaluation = bridge.store.getEvaluation('checkout', '')
    bridge.recordExposure(evaluation)
    return evaluation
  }
  const sent = () =>
    exposures.map((exposure) => `${exposure.user?.id} ${exposure.value} ${exposure.variationId}`)
  /** Until the adapter has seen the client ready (it asks asynchronously, even of a client that is). */
  const ready = () =>
    vi.waitFor(() => expect(bridge.store.vendor('launchdarkly')!.state().status).toBe('ready'))
  return { bridge, show, sent, errors, ready }
}

describe('LaunchDarkly: an exposure carries the user the client really evaluated for', () => {
  test('1. out-of-order identifies: b answers slowly, c quickly; the latest (c) wins and only c is sent as c', async () => {
    const client = await clientForA()
    const { bridge, show, sent, ready } = bridgeOver(client, { id: 'a' })
    await ready()
    expect(show().value).toBe('a-variant')

    const releaseB = hold('b')
    void bridge.identify({ id: 'b' })
    expect(show()).toMatchObject({ user: 'b', loading: true, value: '' })
    void bridge.identify({ id: 'c' })
    expect(show()).toMatchObject({ user: 'c', loading: true, value: '' })
    // b's answer arrives last: one identify at a time, so c is asked for only after b settled.
    await vi.waitFor(() => expect(requested).toEqual(['a', 'b']))
    releaseB()
    await vi.waitFor(() => expect((client.getContext() as { key: string }).key).toBe('c'))
    await vi.waitFor(() => expect(show()).toMatchObject({ user: 'c', value: 'c-variant', loading: false }))
    // Settle: a late answer for b must not move the client back.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((client.getContext() as { key: string }).key).toBe('c')
    expect(requested).toEqual(['a', 'b', 'c'])
    show()
    expect(sent()).toEqual(['a a-variant 0', 'c c-variant 2', 'c c-variant 2'])
  })

  test('2. a failed identify: b is in error (reported), never shown a’s value; retried with backoff until it works', async () => {
    const client = await clientForA()
    const { bridge, show, sent, errors, ready } = bridgeOver(client, { id: 'a' })
    await ready()
    show()
    failing.set('b', 1)
    await bridge.identify({ id: 'b' })
    expect(errors).toEqual(['VENDOR_ERROR'])
    expect((client.getContext() as { key: string }).key).toBe('a')
    expect(show()).toMatchObject({ user: 'b', value: '', isDefault: true, error: { code: 'VENDOR_ERROR' } })
    // The retry (after 1 s) gets b's flags.
    await vi.waitFor(
      () => expect(show()).toMatchObject({ user: 'b', value: 'b-variant', error: undefined }),
      {
        timeout: 3_000,
      },
    )
    expect(requested).toEqual(['a', 'b', 'b'])
    expect(sent()).toEqual(['a a-variant 0', 'b b-variant 1'])
  })

  test('3. a new bridge for b over a client still on a: b’s first read is loading, not a’s flags', async () => {
    const client = await clientForA()
    const { bridge, show, sent } = bridgeOver(client, { id: 'b' })
    // Before anything identified: the client holds a's flags, which are not b's.
    expect(bridge.store.getEvaluation('checkout', '')).toMatchObject({ user: 'b', loading: true, value: '' })
    show()
    await vi.waitFor(() => expect(show()).toMatchObject({ user: 'b', value: 'b-variant' }))
    expect(sent()).toEqual(['b b-variant 1'])
  })

  test('4. b asked for while the client is still starting for a: b waits until a’s flags are in, then gets its own', async () => {
    // LaunchDarkly stores the flags of its first fetch without checking the context is still a:
    // had b been identified meanwhile, the client would end on b with a's flags.
    const releaseA = hold('a')
    const client = startClientForA()
    const { bridge, show, sent } = bridgeOver(client, { id: 'a' })
    void bridge.identify({ id: 'b' })
    expect(show()).toMatchObject({ user: 'b', loading: true, value: '' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    releaseA()
    await vi.waitFor(() => expect(show()).toMatchObject({ user: 'b', value: 'b-variant', loading: false }))
    // Settle: nothing moves the client's flags back to a's.
    await new Promise((resolve) => setTimeout(resolve, 50))
    show()
    expect(sent()).toEqual(['b b-variant 1', 'b b-variant 1'])
    expect(client.getContext()).toMatchObject({ kind: 'user', key: 'b' })
    expect(client.allFlags()).toEqual({ checkout: 'b-variant' })
    // b was asked for once a's flags were in.
    expect(requested).toEqual(['a', 'b'])
  })

  test('back to a while b is under way: the client ends on a, and a is served meanwhile', async () => {
    const client = await clientForA()
    const { bridge, show, ready } = bridgeOver(client, { id: 'a' })
    await ready()
    const releaseB = hold('b')
    void bridge.identify({ id: 'b' })
    await vi.waitFor(() => expect(requested).toEqual(['a', 'b']))
    void bridge.identify({ id: 'a' })
    // The client still evaluates for a: a's flags are a's.
    expect(show()).toMatchObject({ user: 'a', value: 'a-variant', loading: false })
    releaseB()
    // b arrived after a was asked for again: the client is moved back to a.
    await vi.waitFor(() => expect(requested).toEqual(['a', 'b', 'a']))
    await vi.waitFor(() => expect((client.getContext() as { key: string }).key).toBe('a'))
    expect(show()).toMatchObject({ user: 'a', value: 'a-variant', loading: false })
  })

  test('5. guests marked anonymous (attributes.anonymous) are told apart by their ids: b never gets a’s flags', async () => {
    const guest = (id: string): FlagBridgeUser => ({ id, attributes: { anonymous: true } })
    const client = await clientForA(guest('a'))
    const { bridge, show, sent, ready } = bridgeOver(client, guest('a'), guest('a'))
    await ready()
    expect(show()).toMatchObject({ user: 'a', value: 'a-variant', loading: false })
    void bridge.identify(guest('b'))
    expect(show()).toMatchObject({ user: 'b', value: '', loading: true })
    await vi.waitFor(() => expect(show()).toMatchObject({ user: 'b', value: 'b-variant', loading: false }))
    expect(client.getContext()).toMatchObject({ key: 'b', anonymous: true })
    expect(requested).toEqual(['a', 'b'])
    expect(sent()).toEqual(['a a-variant 0', 'b b-variant 1'])
  })

  test('identifying the user the client is already on sends no request', async () => {
    const client = await clientForA()
    const { bridge, ready } = bridgeOver(client, { id: 'a' })
    await ready()
    await bridge.identify({ id: 'a', attributes: {} })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(requested).toEqual(['a'])
  })
})
