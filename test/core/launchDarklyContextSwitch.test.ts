// @vitest-environment jsdom
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLaunchDarklyVendor, type FlagVendor, toLaunchDarklyContext } from '@flagbridge/core'
import { initialize, type LDClient } from 'launchdarkly-js-client-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'

// How the LaunchDarkly vendor moves the real launchdarkly-js-client-sdk from user to user:
// retries with backoff, a superseded request, an app that decorates contexts, and stopping.
// Retry delays run on Vitest's fake setTimeout and Date (the SDK's requests still go to the
// local evalx server below over real I/O); `until` waits on real time, bounded.

const realSetTimeout = globalThis.setTimeout
const sleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms))
async function until(condition: () => boolean, what: string) {
  const deadline = performance.now() + 5_000
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting for ${what}`)
    await sleep(5)
  }
}

/** Each evalx request: the context key and the (possibly fake) time it arrived. */
const requests: Array<{ key: string; at: number }> = []
const failing = new Map<string, number>()
const held = new Map<string, Array<() => void>>()
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
    requests.push({ key, at: Date.now() })
    const answer = () => {
      const failures = failing.get(key) ?? 0
      if (failures > 0) {
        failing.set(key, failures - 1)
        return void response.writeHead(503).end('unavailable')
      }
      response.setHeader('Content-Type', 'application/json')
      response.end(
        JSON.stringify({ checkout: { value: `${key}-variant`, variation: 0, version: 1, flagVersion: 1 } }),
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
const vendors: FlagVendor[] = []
afterEach(async () => {
  vi.useRealTimers()
  for (const vendor of vendors.splice(0)) vendor.dispose?.()
  for (const client of clients.splice(0)) await client.close()
  requests.length = 0
  failing.clear()
  held.clear()
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

const keys = () => requests.map((request) => request.key)

/** A real client on user `a` with a's flags in, and the vendor over it; retry timers faked from here on. */
async function vendorOnA(wrap: (client: LDClient) => LDClient = (client) => client) {
  const client = initialize('env-switch', toLaunchDarklyContext({ id: 'a' }) as never, {
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
  await client.waitForInitialization(5)
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  const vendor = createLaunchDarklyVendor(wrap(client), { context: toLaunchDarklyContext({ id: 'a' }) })
  vendors.push(vendor)
  return { client, vendor }
}

const contextKey = (client: LDClient) => (client.getContext() as { key: string }).key
const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'resolved',
    (error: Error) => `rejected: ${error.message}`,
  )

/** A client that writes down, on the fake clock, every identify FlagBridge makes (synchronously, as it is made). */
function recordingIdentify(attempts: Array<{ key: string; at: number }>) {
  return (client: LDClient) =>
    new Proxy(client, {
      get: (target, property) =>
        property === 'identify'
          ? (context: { key?: string }) => {
              attempts.push({ key: context.key ?? 'anonymous', at: Date.now() })
              return target.identify(context as never)
            }
          : Reflect.get(target, property),
    })
}

describe('retrying a failed switch', () => {
  test('backoff doubles from 1 s up to 30 s, then the switch lands and b’s flags are b’s', async () => {
    const attempts: Array<{ key: string; at: number }> = []
    const { client, vendor } = await vendorOnA(recordingIdentify(attempts))
    failing.set('b', 7)
    expect(await outcome(vendor.identify({ id: 'b' }))).toBe(
      'rejected: [flagbridge] LaunchDarkly could not switch users: Error fetching flag settings: 503',
    )
    expect(vendor.state()).toMatchObject({ status: 'error', error: { code: 'VENDOR_ERROR' } })
    for (const delay of [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]) {
      const made = attempts.length
      // The retry timer is set once the previous attempt has failed.
      await until(() => vi.getTimerCount() === 1, 'the retry timer')
      vi.advanceTimersByTime(delay - 1)
      expect([attempts.length, vi.getTimerCount()]).toEqual([made, 1])
      vi.advanceTimersByTime(1)
      expect(attempts.length).toBe(made + 1)
    }
    await until(() => contextKey(client) === 'b', 'the client on b')
    await until(() => vendor.state().status !== 'error', 'the switch to settle')
    const times = attempts.map((attempt) => attempt.at)
    expect(times.slice(1).map((at, index) => at - times[index]!)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ])
    expect(keys()).toEqual(['a', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b'])
    expect(vendor.evaluate('checkout', '', { id: 'b' })).toMatchObject({
      value: 'b-variant',
      isDefault: false,
    })
    expect(vi.getTimerCount()).toBe(0)
  })

  test('after a switch lands, the next failure starts again at 1 s', async () => {
    const attempts: Array<{ key: string; at: number }> = []
    const { vendor } = await vendorOnA(recordingIdentify(attempts))
    failing.set('b', 2)
    await outcome(vendor.identify({ id: 'b' }))
    await until(() => vi.getTimerCount() === 1, 'the first retry timer')
    vi.advanceTimersByTime(1_000)
    await until(() => vi.getTimerCount() === 1 && keys().length === 3, 'the second retry timer')
    vi.advanceTimersByTime(2_000)
    await until(() => vendor.state().status !== 'error' && keys().length === 4, 'b')
    failing.set('c', 1)
    expect(await outcome(vendor.identify({ id: 'c' }))).toMatch(/^rejected/)
    await until(() => vi.getTimerCount() === 1, 'the retry timer for c')
    vi.advanceTimersByTime(999)
    expect(attempts.map((attempt) => attempt.key)).toEqual(['b', 'b', 'b', 'c'])
    vi.advanceTimersByTime(1)
    expect(attempts.map((attempt) => attempt.key)).toEqual(['b', 'b', 'b', 'c', 'c'])
    await until(() => keys().length === 6, 'the retry for c')
  })

  test('a client whose getContext() throws is taken to be on the context it was created with', async () => {
    const { vendor } = await vendorOnA(
      (client) =>
        new Proxy(client, {
          get: (target, property) =>
            property === 'getContext'
              ? () => {
                  throw new Error('closed')
                }
              : Reflect.get(target, property),
        }),
    )
    expect(vendor.evaluate('checkout', '', { id: 'a' })).toMatchObject({
      value: 'a-variant',
      isDefault: false,
    })
    // Not a's flags under b's name: b's are not known to be there.
    expect(vendor.evaluate('checkout', '', { id: 'b' })).toMatchObject({ isDefault: true, loading: true })
  })

  test('the last reader leaving stops the retries; asking again starts over', async () => {
    const { vendor } = await vendorOnA()
    const unsubscribe = vendor.subscribe(() => {})
    // The SDK keeps a timer of its own for waitForInitialization.
    const sdkTimers = vi.getTimerCount()
    failing.set('b', 1)
    await outcome(vendor.identify({ id: 'b' }))
    await until(() => vi.getTimerCount() === sdkTimers + 1, 'the retry timer')
    unsubscribe()
    expect(vi.getTimerCount()).toBe(sdkTimers)
    vi.advanceTimersByTime(60_000)
    await sleep(20)
    expect(keys()).toEqual(['a', 'b'])
    expect(await outcome(vendor.identify({ id: 'b' }))).toBe('resolved')
    expect(keys()).toEqual(['a', 'b', 'b'])
  })

  test('dispose while a switch is under way: whoever waits is released, and nothing is retried', async () => {
    const { vendor } = await vendorOnA()
    failing.set('b', 1)
    const release = hold('b')
    const switching = outcome(vendor.identify({ id: 'b' }))
    await until(() => keys().length === 2, 'the request for b')
    vendor.dispose!()
    expect(await switching).toBe('resolved')
    release()
    await sleep(20)
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(60_000)
    await sleep(20)
    expect(keys()).toEqual(['a', 'b'])
  })
})

describe('a switch that does not land on its own context', () => {
  test('b fails after c was asked for: c is reached at once, nobody hears of b’s failure', async () => {
    const { client, vendor } = await vendorOnA()
    failing.set('b', 1)
    const release = hold('b')
    const toB = outcome(vendor.identify({ id: 'b' }))
    await until(() => keys().length === 2, 'the request for b')
    const toC = outcome(vendor.identify({ id: 'c' }))
    release()
    expect(await toC).toBe('resolved')
    expect(await toB).toBe('resolved')
    expect(keys()).toEqual(['a', 'b', 'c'])
    expect(contextKey(client)).toBe('c')
    expect(vendor.state().status).not.toBe('error')
    expect(vi.getTimerCount()).toBe(0)
  })

  test('an app’s client that decorates every context it is given: reported, retried later, never spun on', async () => {
    const { vendor } = await vendorOnA(
      (client) =>
        new Proxy(client, {
          get: (target, property) =>
            property === 'identify'
              ? (context: object) => target.identify({ ...context, source: 'app' } as never)
              : Reflect.get(target, property),
        }),
    )
    expect(await outcome(vendor.identify({ id: 'b' }))).toBe(
      'rejected: [flagbridge] LaunchDarkly could not switch users: the client reports another context than "b"',
    )
    await sleep(50)
    expect(keys()).toEqual(['a', 'b'])
    expect(vi.getTimerCount()).toBe(1)
  })
})
