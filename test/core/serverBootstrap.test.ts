// The server helpers over the real server SDKs (@configcat/sdk's Node client,
// @launchdarkly/node-server-sdk in polling mode) against the e2e stand-ins, and the browser side
// of the ConfigCat handover: a client started from the server's serialized config.
import { getClient, PollingMode } from '@configcat/sdk'
import { type FlagBridgeError, toConfigCatUser, toLaunchDarklyContext } from '@flagbridge/core'
import {
  createConfigCatServerCache,
  getConfigCatBootstrap,
  getFlagBridgeBootstrap,
  getLaunchDarklyBootstrap,
  type LaunchDarklyServerClientLike,
} from '@flagbridge/core/server'
import { init, type LDClient } from '@launchdarkly/node-server-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConfigCatBootstrapCache } from '../../packages/react/src/vendors/configCatBootstrapCache'
import { startVendorServer, type VendorServer } from '../e2e/harness/vendorServer'

let server: VendorServer
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const closers: Array<() => void> = []

beforeAll(async () => {
  server = await startVendorServer('/nonexistent')
  server.setLaunchDarklyRules('ld-env', 'sdk-ok', {
    'banner-text': {
      variations: ['Welcome', 'Hello Bob', 'Summer sale'],
      fallthrough: 2,
      targets: { bob: 1 },
    },
  })
})
afterAll(async () => {
  for (const close of closers) close()
  await server.close()
})

const ccKey = (name: string) => `configcat-sdk-1/${name.padEnd(22, '-')}/${'unit'.padEnd(22, '0')}`
const BOB = {
  id: 'bob',
  email: 'bob@example.com',
  name: 'Bob',
  attributes: { plan: 'free' },
  privateAttributes: ['email'],
}

function configCatServer(sdkKey: string) {
  const cache = createConfigCatServerCache()
  const client = getClient(sdkKey, PollingMode.AutoPoll, {
    baseUrl: `${server.origin}/cc`,
    cache,
    maxInitWaitTimeSeconds: 2,
    logger: { level: -1, log() {} } as never,
  })
  closers.push(() => client.dispose())
  return { client, cache }
}

function launchDarklyServer(sdkKey: string): LDClient {
  const client = init(sdkKey, {
    baseUri: `${server.origin}/ldserver`,
    stream: false,
    sendEvents: false,
    diagnosticOptOut: true,
    logger: quiet,
  })
  closers.push(() => client.close())
  return client
}

const CHECKOUT = {
  t: 0 as const,
  v: { b: true },
  i: 'cc-on',
  r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['bob'] } }], s: { v: { b: false }, i: 'cc-off' } }],
}

describe('getConfigCatBootstrap', () => {
  it("packs ConfigCat's serialized config and the values evaluated for the user", async () => {
    const key = ccKey('cc-values')
    server.setConfigCat(key, {
      'new-checkout': CHECKOUT,
      'banner-text': { t: 1, v: { s: 'Hi' }, i: 'cc-hi' },
      // An experiment: a percentage option over the user's identifier.
      'hero-test': {
        t: 0,
        v: { b: false },
        i: 'hero-off',
        a: 'Identifier',
        p: [{ p: 100, v: { b: true }, i: 'hero-on' }],
      },
    })
    const errors: FlagBridgeError[] = []
    const source = configCatServer(key)
    const forBob = await getConfigCatBootstrap(source, BOB, { onError: (error) => errors.push(error) })
    const forAnonymous = await getConfigCatBootstrap(source, undefined, {
      onError: (error) => errors.push(error),
    })
    expect(errors).toEqual([])
    expect(forBob!.flags).toEqual({
      'new-checkout': { value: false, variationId: 'cc-off', reason: 'RULE_MATCH' },
      'banner-text': { value: 'Hi', variationId: 'cc-hi', reason: 'FALLTHROUGH' },
      // Carried like the browser's own evaluation, so hydration sees the same snapshot.
      'hero-test': { value: true, variationId: 'hero-on', reason: 'PERCENTAGE_ROLLOUT', inExperiment: true },
    })
    expect(forAnonymous!.flags['new-checkout']).toEqual({
      value: true,
      variationId: 'cc-on',
      reason: 'FALLTHROUGH',
    })
    // ConfigCat's cache format: fetch time, ETag, config JSON, one per line.
    const [fetchTime, etag, json] = forBob!.config.split('\n')
    expect(Number(fetchTime)).toBeGreaterThan(Date.now() - 60_000)
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/)
    expect(JSON.parse(json!).f['new-checkout'].i).toBe('cc-on')
  })

  it('a browser client started from that config evaluates at once, for the same user, and polls on with the ETag', async () => {
    const key = ccKey('cc-handover')
    server.setConfigCat(key, { 'new-checkout': CHECKOUT })
    const bootstrap = await getConfigCatBootstrap(configCatServer(key), BOB)
    // ConfigCat keeps one client per SDK key in a process: the "browser" gets its own key, same config.
    const browserKey = ccKey('cc-handover-browser')
    server.setConfigCat(browserKey, { 'new-checkout': CHECKOUT })
    server.reset()
    // An old fetch time, so the first poll is due at once: it must ask with the server's ETag.
    const [, etag, json] = bootstrap!.config.split('\n')
    const aged = `${Date.now() - 120_000}\n${etag}\n${json}`
    const browser = getClient(browserKey, PollingMode.AutoPoll, {
      baseUrl: `${server.origin}/cc`,
      cache: createConfigCatBootstrapCache(aged),
      pollIntervalSeconds: 60,
      logger: { level: -1, log() {} } as never,
    })
    closers.push(() => browser.dispose())
    // Synchronously, before any answer: the config is there and evaluates as the server did.
    const snapshot = browser.snapshot()
    expect(snapshot.cacheState).not.toBe(0)
    expect(snapshot.getValueDetails('new-checkout', null, toConfigCatUser(BOB))).toMatchObject({
      value: false,
      variationId: 'cc-off',
    })
    await browser.waitForReady()
    // The browser SDK sends it as ?ccetag=, the Node SDK (this one) as If-None-Match.
    expect(
      server
        .of('configcat')
        .map((request) => [request.query.ccetag ?? request.headers['if-none-match'], request.status]),
    ).toEqual([[etag, 304]])
    expect(browser.snapshot().getValue('new-checkout', null, toConfigCatUser(BOB))).toBe(false)
  })

  it('ConfigCat answering 500: undefined and one VENDOR_ERROR per outage, then values once it answers', async () => {
    const key = ccKey('cc-down')
    server.setConfigCat(key, { 'new-checkout': CHECKOUT })
    server.failConfigCat(key, 500)
    const errors: FlagBridgeError[] = []
    const onError = (error: FlagBridgeError) => errors.push(error)
    const source = configCatServer(key)
    expect(await getConfigCatBootstrap(source, BOB, { onError })).toBeUndefined()
    expect(await getConfigCatBootstrap(source, BOB, { onError })).toBeUndefined()
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      [
        'VENDOR_ERROR',
        '[flagbridge] ConfigCat on the server has no config (its CDN failed or timed out): the page renders ConfigCat flags with their defaults, and the browser fetches them itself.',
      ],
    ])
    server.failConfigCat(key, undefined)
    await source.client.forceRefreshAsync()
    expect((await getConfigCatBootstrap(source, BOB, { onError }))?.flags['new-checkout']?.value).toBe(false)
    expect(errors).toHaveLength(1)
  })

  it("a client without the helper's cache is reported, not served half", async () => {
    const key = ccKey('cc-no-cache')
    server.setConfigCat(key, { 'new-checkout': CHECKOUT })
    const client = getClient(key, PollingMode.AutoPoll, {
      baseUrl: `${server.origin}/cc`,
      logger: { level: -1, log() {} } as never,
    })
    closers.push(() => client.dispose())
    const errors: FlagBridgeError[] = []
    const bootstrap = await getConfigCatBootstrap({ client, cache: createConfigCatServerCache() }, BOB, {
      onError: (error) => errors.push(error),
    })
    expect(bootstrap).toBeUndefined()
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('give its client `cache: createConfigCatServerCache()`'),
    ])
  })
})

describe('getLaunchDarklyBootstrap', () => {
  it("allFlagsState for the browser's own context (toLaunchDarklyContext), client-side flags, with reasons", async () => {
    const client = launchDarklyServer('sdk-ok')
    const contexts: unknown[] = []
    const watched: LaunchDarklyServerClientLike = {
      initialized: () => client.initialized(),
      waitForInitialization: (options) => client.waitForInitialization(options),
      allFlagsState: (context, options) => {
        contexts.push(context)
        return client.allFlagsState(context, options)
      },
    }
    const bootstrap = await getLaunchDarklyBootstrap(watched, BOB)
    expect(contexts).toEqual([toLaunchDarklyContext(BOB)])
    expect(bootstrap).toMatchObject({
      'banner-text': 'Hello Bob',
      $valid: true,
      $flagsState: { 'banner-text': { variation: 1, reason: { kind: 'TARGET_MATCH' } } },
    })
    // An anonymous visitor: the browser's client evaluates by a key it generates, so no value
    // evaluated on the server for another key may be served (and sent) as theirs.
    const anonymous = await getLaunchDarklyBootstrap(watched, undefined)
    expect(anonymous).toBeUndefined()
    expect(contexts).toHaveLength(1)
  })

  it('an SDK that cannot initialize: undefined, reported once, and later calls do not wait again', async () => {
    const client = launchDarklyServer('sdk-refused')
    let waits = 0
    const watched: LaunchDarklyServerClientLike = {
      initialized: () => client.initialized(),
      waitForInitialization: (options) => {
        waits++
        return client.waitForInitialization(options)
      },
      allFlagsState: (context, options) => client.allFlagsState(context, options),
    }
    const errors: FlagBridgeError[] = []
    const onError = (error: FlagBridgeError) => errors.push(error)
    expect(await getLaunchDarklyBootstrap(watched, BOB, { onError, timeoutMs: 2000 })).toBeUndefined()
    expect(await getLaunchDarklyBootstrap(watched, BOB, { onError, timeoutMs: 2000 })).toBeUndefined()
    expect(waits).toBe(1)
    expect(errors.map((error) => error.code)).toEqual(['VENDOR_ERROR'])
    expect(errors[0]!.message).toMatch(/^\[flagbridge\] LaunchDarkly on the server did not initialize/)
  })
})

describe('getFlagBridgeBootstrap', () => {
  it('both vendors for one user; a refused user is reported once and evaluated as anonymous', async () => {
    const key = ccKey('both')
    server.setConfigCat(key, { 'new-checkout': CHECKOUT })
    const sources = {
      configcat: configCatServer(key),
      launchdarkly: { client: launchDarklyServer('sdk-ok') },
    }
    const bob = await getFlagBridgeBootstrap(BOB, sources)
    expect(bob.configcat?.flags['new-checkout']?.value).toBe(false)
    expect(bob.launchdarkly?.['banner-text']).toBe('Hello Bob')
    // Whose they are, so a provider given another user never shows or sends them as theirs
    // (test/react/ssr.test.tsx); for LaunchDarkly where its client ignores it (not a flag key).
    expect(bob.configcat?.user).toBe('bob')
    expect(bob.launchdarkly?.$flagsState?.$user).toEqual({ key: 'bob' })
    expect(Object.keys(bob.launchdarkly!).sort()).toEqual(['$flagsState', '$valid', 'banner-text'])

    const errors: FlagBridgeError[] = []
    const refused = await getFlagBridgeBootstrap({ id: '' }, sources, {
      onError: (error) => errors.push(error),
    })
    expect(errors.map((error) => error.code)).toEqual(['INVALID_USER'])
    expect(refused.configcat?.flags['new-checkout']?.value).toBe(true)
    expect(refused.configcat?.user).toBeNull()
    // Anonymous for LaunchDarkly too: no bootstrap, the browser's client evaluates by its own key.
    expect(refused.launchdarkly).toBeUndefined()
  })

  it('a missing client or cache (an unset environment variable) is reported, and the page still renders: never rejects', async () => {
    const errors: FlagBridgeError[] = []
    const bootstrap = await getFlagBridgeBootstrap(
      BOB,
      {
        configcat: { client: undefined as never, cache: undefined as never },
        launchdarkly: { client: undefined as never },
      },
      { onError: (error) => errors.push(error) },
    )
    expect(bootstrap).toEqual({})
    expect(errors.map((error) => error.code)).toEqual(['VENDOR_ERROR', 'VENDOR_ERROR'])
    expect(errors.map((error) => error.message.split(':')[0])).toEqual([
      '[flagbridge] ConfigCat on the server failed',
      '[flagbridge] LaunchDarkly on the server failed',
    ])
  })
})
