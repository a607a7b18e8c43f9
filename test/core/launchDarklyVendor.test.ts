// @vitest-environment jsdom
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createFlagUsedInspector,
  createLaunchDarklyInspectors,
  createLaunchDarklyVendor,
  type FlagBridgeUser,
  toLaunchDarklyContext,
} from '@flagbridge/core'
import { initialize, type LDClient } from 'launchdarkly-js-client-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

// LaunchDarkly's evalx endpoint, standing in locally: flags per context key.
const FLAGS_BY_CONTEXT: Record<string, Record<string, { value: unknown; variation: number }>> = {
  'user-2': {
    'new-checkout': { value: false, variation: 0 },
    banner: { value: 'Welcome back', variation: 2 },
  },
}
const requestedContexts: unknown[] = []
let server: Server
let baseUrl: string

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*')
    response.setHeader('Access-Control-Allow-Headers', '*')
    if (request.method === 'OPTIONS') return void response.end()
    const match = /^\/sdk\/evalx\/[^/]+\/contexts\/([^/?]+)/.exec(request.url ?? '')
    if (!match) {
      response.statusCode = 404
      return void response.end()
    }
    const context = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { key: string }
    requestedContexts.push(context)
    const flags = FLAGS_BY_CONTEXT[context.key] ?? {}
    const body: Record<string, unknown> = {}
    for (const [key, flag] of Object.entries(flags))
      body[key] = { ...flag, version: 1, flagVersion: 1, trackEvents: false }
    response.setHeader('Content-Type', 'application/json')
    response.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const BOOTSTRAP = {
  'new-checkout': true,
  banner: 'Spring sale',
  'max-items': 25,
  layout: { columns: 3 },
  $flagsState: {
    'new-checkout': { variation: 1, version: 7 },
    banner: { variation: 0, version: 2 },
    'max-items': { variation: 3, version: 1 },
    layout: { variation: 1, version: 4 },
  },
  $valid: true,
}

const clients: LDClient[] = []
function createClient(inspectors: unknown[] = []): LDClient {
  const client = initialize(
    'env-test',
    { kind: 'user', key: 'user-1' },
    {
      bootstrap: BOOTSTRAP,
      baseUrl,
      eventsUrl: baseUrl,
      streamUrl: baseUrl,
      streaming: false,
      sendEvents: false,
      fetchGoals: false,
      diagnosticOptOut: true,
      inspectors: inspectors as never,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    },
  )
  clients.push(client)
  return client
}
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  requestedContexts.length = 0
})

describe('toLaunchDarklyContext', () => {
  test('maps a user to { kind, key, name, email, ...attributes, _meta: { privateAttributes } }', () => {
    const user: FlagBridgeUser = {
      id: 'user-1',
      name: 'Ada',
      email: 'ada@example.com',
      attributes: { plan: 'pro', seats: 3, tags: ['a'] },
      privateAttributes: ['email', 'plan'],
    }
    expect(toLaunchDarklyContext(user)).toStrictEqual({
      kind: 'user',
      key: 'user-1',
      name: 'Ada',
      email: 'ada@example.com',
      plan: 'pro',
      seats: 3,
      tags: ['a'],
      _meta: { privateAttributes: ['email', 'plan'] },
    })
  })

  test('attributes cannot replace kind or key', () => {
    expect(toLaunchDarklyContext({ id: 'user-1', attributes: { key: 'spoof', kind: 'org' } })).toStrictEqual({
      kind: 'user',
      key: 'user-1',
    })
  })

  test('no _meta without private attributes; an anonymous context without a user', () => {
    expect(toLaunchDarklyContext({ id: 'u' })).toStrictEqual({ kind: 'user', key: 'u' })
    expect(toLaunchDarklyContext(undefined)).toStrictEqual({ kind: 'user', anonymous: true })
  })
})

describe('createLaunchDarklyVendor over the real launchdarkly-js-client-sdk', () => {
  test('serves bootstrapped flags with the variation index as text, keys as LaunchDarkly wrote them', () => {
    const vendor = createLaunchDarklyVendor(createClient(), { bootstrap: BOOTSTRAP })
    expect(vendor.state().status).toBe('ready')
    expect(vendor.evaluate('new-checkout', false, undefined)).toStrictEqual({
      value: true,
      variationId: '1',
      reason: undefined,
      isDefault: false,
    })
    expect(vendor.evaluate('banner', '', undefined)).toStrictEqual({
      value: 'Spring sale',
      variationId: '0',
      reason: undefined,
      isDefault: false,
    })
    expect(vendor.evaluate('layout', {}, undefined).value).toStrictEqual({ columns: 3 })
    expect([...vendor.keys()].sort()).toStrictEqual(['banner', 'layout', 'max-items', 'new-checkout'])
  })

  test('an unknown key is a default without an error', () => {
    const vendor = createLaunchDarklyVendor(createClient(), { bootstrap: BOOTSTRAP })
    expect(vendor.evaluate('nope', false, undefined)).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
  })

  test('without a client (server rendering) flags come from bootstrap', () => {
    const vendor = createLaunchDarklyVendor(undefined, { bootstrap: BOOTSTRAP })
    expect(vendor.evaluate('max-items', 0, undefined)).toStrictEqual({
      value: 25,
      variationId: '3',
      reason: undefined,
      isDefault: false,
    })
    expect(vendor.serverEvaluate!('$flagsState')).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
    expect([...vendor.keys()].sort()).toStrictEqual(['banner', 'layout', 'max-items', 'new-checkout'])
  })

  test("another user's bootstrap ($flagsState.$user): what the server rendered reads as loading, and the browser's vendor never serves it", () => {
    const forUser1 = { ...BOOTSTRAP, $flagsState: { ...BOOTSTRAP.$flagsState, $user: { key: 'user-1' } } }
    const served = { value: 'Spring sale', variationId: '0', reason: undefined, isDefault: false }
    // On the server (no context): served as rendered; loading for anyone but user-1, anonymous too.
    const server = createLaunchDarklyVendor(undefined, { bootstrap: forUser1 })
    expect(server.serverEvaluate!('banner', { id: 'user-1' })).toStrictEqual(served)
    expect(server.serverEvaluate!('banner', { id: 'user-2' })).toStrictEqual({ ...served, loading: true })
    expect(server.serverEvaluate!('banner', undefined)).toStrictEqual({ ...served, loading: true })
    // In the browser, for user-2's context: loading, nothing of user-1's served; the keys still route here.
    const browser = createLaunchDarklyVendor(undefined, {
      bootstrap: forUser1,
      context: toLaunchDarklyContext({ id: 'user-2' }),
    })
    expect(browser.state().status).toBe('loading')
    expect(browser.evaluate('banner', '', { id: 'user-2' })).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
    expect([...browser.keys()].sort()).toStrictEqual(['banner', 'layout', 'max-items', 'new-checkout'])
    // A bootstrap that doesn't say whose it is is trusted, as before.
    const unrecorded = createLaunchDarklyVendor(undefined, {
      bootstrap: BOOTSTRAP,
      context: toLaunchDarklyContext({ id: 'user-2' }),
    })
    expect(unrecorded.evaluate('banner', '', { id: 'user-2' })).toStrictEqual(served)
  })

  test('created without a client: the bootstrap for its context’s user until start(client), then the client’s flags', async () => {
    const inspectors = createLaunchDarklyInspectors()
    const vendor = createLaunchDarklyVendor(undefined, {
      bootstrap: BOOTSTRAP,
      flagUsed: inspectors,
      context: { kind: 'user', key: 'user-1' },
    })
    const changes: unknown[] = []
    vendor.subscribe((keys) => changes.push(keys))
    expect(vendor.evaluate('banner', '', { id: 'user-1' })).toStrictEqual({
      value: 'Spring sale',
      variationId: '0',
      reason: undefined,
      isDefault: false,
    })
    // Whom it is for: the context its client will be created with, not anyone.
    expect([vendor.isFor({ id: 'user-1' }), vendor.isFor({ id: 'user-2' })]).toStrictEqual([true, false])

    // The client was created with another banner: from start() on, its flags are served.
    const client = initialize(
      'env-test',
      { kind: 'user', key: 'user-1' },
      {
        bootstrap: { ...BOOTSTRAP, banner: 'Summer sale' },
        baseUrl,
        eventsUrl: baseUrl,
        streamUrl: baseUrl,
        streaming: false,
        sendEvents: false,
        fetchGoals: false,
        diagnosticOptOut: true,
        inspectors: inspectors.inspectors as never,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    )
    clients.push(client)
    vendor.start(client)
    expect(changes).toStrictEqual([undefined])
    expect(vendor.evaluate('banner', '', { id: 'user-1' })).toMatchObject({ value: 'Summer sale' })
    // A second start changes nothing.
    vendor.start(createClient())
    expect(changes).toStrictEqual([undefined])
    // Started, it identifies through the client (its context switch exists from start() on).
    await vendor.identify({ id: 'user-2' })
    expect(requestedContexts).toStrictEqual([{ kind: 'user', key: 'user-2' }])
    expect(vendor.evaluate('banner', '', { id: 'user-2' })).toMatchObject({ value: 'Welcome back' })
    vendor.dispose!()
  })

  test('identify sends the mapped context and serves the new user’s flags; loading meanwhile', async () => {
    const client = createClient()
    const vendor = createLaunchDarklyVendor(client, { bootstrap: BOOTSTRAP })
    vendor.subscribe(() => {})
    const user2 = { id: 'user-2', email: 'b@example.com', privateAttributes: ['email'] }
    const switching = vendor.identify(user2)
    expect(vendor.state().status).toBe('loading')
    await switching
    expect(vendor.state().status).toBe('ready')
    expect(requestedContexts).toStrictEqual([
      { kind: 'user', key: 'user-2', email: 'b@example.com', _meta: { privateAttributes: ['email'] } },
    ])
    expect(client.getContext()).toMatchObject({ kind: 'user', key: 'user-2' })
    expect(vendor.evaluate('banner', '', user2)).toStrictEqual({
      value: 'Welcome back',
      variationId: '2',
      reason: undefined,
      isDefault: false,
    })
    expect(vendor.evaluate('new-checkout', false, user2).value).toBe(false)
    // The client evaluates for user-2 now: nothing is served under anyone else's name.
    expect(vendor.evaluate('banner', '', { id: 'user-1' })).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
      loading: true,
    })
  })

  test('a failing identify rejects with VENDOR_ERROR', async () => {
    const client = initialize(
      'env-test',
      { kind: 'user', key: 'user-1' },
      {
        bootstrap: BOOTSTRAP,
        baseUrl: 'http://127.0.0.1:9',
        streaming: false,
        sendEvents: false,
        fetchGoals: false,
        diagnosticOptOut: true,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    )
    clients.push(client)
    const vendor = createLaunchDarklyVendor(client, { bootstrap: BOOTSTRAP })
    await expect(vendor.identify({ id: 'user-3' })).rejects.toMatchObject({
      name: 'FlagBridgeError',
      code: 'VENDOR_ERROR',
    })
    // user-3's flags are in error (and retried); the client still holds user-1's, served to no one else.
    expect(vendor.state()).toMatchObject({ status: 'error', error: { code: 'VENDOR_ERROR' } })
    expect(vendor.evaluate('banner', '', { id: 'user-3' })).toMatchObject({
      value: undefined,
      isDefault: true,
      error: { code: 'VENDOR_ERROR' },
      loading: false,
    })
    vendor.dispose!()
  })

  test('the flag-used inspector reports the app’s own variation calls, not FlagBridge’s', () => {
    const flagUsed = createFlagUsedInspector()
    const client = createClient([flagUsed.inspector])
    const vendor = createLaunchDarklyVendor(client, { bootstrap: BOOTSTRAP, flagUsed })
    const seen: unknown[] = []
    vendor.subscribeToSdkEvaluations!((evaluation) => seen.push(evaluation))
    vendor.evaluate('banner', '', undefined)
    expect(seen).toStrictEqual([])
    client.variation('banner', '')
    client.variation('nope', false)
    expect(seen).toStrictEqual([
      { key: 'banner', value: 'Spring sale', variationId: '0', isDefault: false },
      { key: 'nope', value: false, variationId: undefined, isDefault: true },
    ])
  })

  test('a client that throws on every call: defaults and VENDOR_ERROR, never a throw', async () => {
    const boom = () => {
      throw new Error('boom')
    }
    const client = {
      variationDetail: boom,
      allFlags: boom,
      identify: boom,
      waitForInitialization: boom,
      on: boom,
      off: boom,
    }
    const vendor = createLaunchDarklyVendor(client)
    expect(vendor.keys()).toStrictEqual([])
    expect(vendor.evaluate('x', false, undefined)).toMatchObject({
      value: undefined,
      isDefault: true,
      error: { code: 'VENDOR_ERROR', message: '[flagbridge] LaunchDarkly: boom' },
    })
    expect(() => vendor.subscribe(() => {})).not.toThrow()
    expect(vendor.state()).toMatchObject({
      status: 'error',
      error: { code: 'VENDOR_ERROR', message: '[flagbridge] LaunchDarkly could not load flags: boom' },
    })
    await expect(vendor.identify({ id: 'u' })).rejects.toMatchObject({ code: 'VENDOR_ERROR' })
    expect(() => vendor.dispose!()).not.toThrow()
  })
})

describe('peek', () => {
  test('reads a value through allFlags(), never variationDetail() (which LaunchDarkly would count)', async () => {
    const { createLaunchDarklyVendor } = await import('@flagbridge/core')
    const calls: string[] = []
    const client = {
      variationDetail: (key: string) => {
        calls.push(`variationDetail ${key}`)
        return { value: 'x', variationIndex: 0 }
      },
      allFlags: () => {
        calls.push('allFlags')
        return { banner: 'Sale' }
      },
      identify: async () => undefined,
      waitForInitialization: async () => undefined,
      on: () => {},
      off: () => {},
    }
    const vendor = createLaunchDarklyVendor(client)
    expect(vendor.peek!('banner', undefined)).toStrictEqual({ value: 'Sale', isDefault: false })
    expect(vendor.peek!('missing', undefined)).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
    // allFlags() copies every flag: once per task (a render reads many keys), never variationDetail().
    expect(calls).toEqual(['allFlags'])
    await Promise.resolve()
    expect(vendor.peek!('banner', undefined)).toStrictEqual({ value: 'Sale', isDefault: false })
    expect(calls).toEqual(['allFlags', 'allFlags'])
  })

  test('a change the client reports is read at once, within the same task', async () => {
    const { createLaunchDarklyVendor } = await import('@flagbridge/core')
    let flags: Record<string, unknown> = { banner: 'Sale' }
    const handlers = new Map<string, (changes: Record<string, unknown>) => void>()
    const client = {
      variationDetail: () => ({ value: null }),
      allFlags: () => ({ ...flags }),
      identify: async () => undefined,
      waitForInitialization: async () => undefined,
      on: (event: string, handler: (changes: Record<string, unknown>) => void) =>
        handlers.set(event, handler),
      off: () => {},
    }
    const vendor = createLaunchDarklyVendor(client)
    const unsubscribe = vendor.subscribe(() => {})
    expect(vendor.peek!('banner', undefined)).toStrictEqual({ value: 'Sale', isDefault: false })
    flags = { banner: 'Gone' }
    handlers.get('change')!({ banner: { current: 'Gone', previous: 'Sale' } })
    expect(vendor.peek!('banner', undefined)).toStrictEqual({ value: 'Gone', isDefault: false })
    unsubscribe()
  })
})
