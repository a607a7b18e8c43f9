import {
  createConfigCatVendor,
  type FlagBridgeUser,
  isValidConfigCatSdkKey,
  toConfigCatUser,
} from '@flagbridge/core'
import { afterEach, describe, expect, test } from 'vitest'
import * as configcat from './configCatSdk'

// A config_v6.json as ConfigCat's CDN serves it: variation ids and targeting rules included.
const CONFIG = {
  p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' },
  f: {
    newCheckout: { t: 0, v: { b: true }, i: 'var-checkout-on' },
    banner: { t: 1, v: { s: 'Spring sale' }, i: 'var-banner-spring' },
    maxItems: { t: 2, v: { i: 25 }, i: 'var-max-25' },
    discount: { t: 3, v: { d: 0.15 }, i: 'var-discount-15' },
    betaByEmail: {
      t: 0,
      v: { b: false },
      i: 'var-beta-off',
      r: [
        { c: [{ u: { a: 'Email', c: 2, l: ['@example.com'] } }], s: { v: { b: true }, i: 'var-beta-staff' } },
      ],
    },
    vipById: {
      t: 1,
      v: { s: 'regular' },
      i: 'var-vip-regular',
      r: [
        { c: [{ u: { a: 'Identifier', c: 0, l: ['user-vip'] } }], s: { v: { s: 'vip' }, i: 'var-vip-yes' } },
      ],
    },
    planGate: {
      t: 0,
      v: { b: false },
      i: 'var-plan-off',
      r: [{ c: [{ u: { a: 'plan', c: 0, l: ['pro'] } }], s: { v: { b: true }, i: 'var-plan-pro' } }],
    },
  },
}

let keyCounter = 0
const clients: configcat.IConfigCatClient[] = []

/** A real @configcat/sdk client, offline: LocalOnly overrides fed from a full config_v6 JSON. */
function createClient(config: object = CONFIG): configcat.IConfigCatClient {
  const settings = configcat.prepareConfig(config as configcat.ConfigJson.Config).f ?? {}
  // A distinct key per client: getClient() shares one client per key process-wide.
  const sdkKey = `configcat-sdk-1/flagbridge-core-tests/${String(++keyCounter).padStart(22, '0')}`
  const client = configcat.getClient(sdkKey, configcat.PollingMode.ManualPoll, {
    flagOverrides: {
      dataSource: { getOverrides: () => settings },
      behaviour: configcat.OverrideBehaviour.LocalOnly,
    },
    logger: configcat.createConsoleLogger(configcat.LogLevel.Off),
  })
  clients.push(client)
  return client
}

afterEach(() => {
  for (const client of clients.splice(0)) client.dispose()
})

describe('toConfigCatUser', () => {
  test('maps id, email, country and attributes to User(identifier, email, country, custom)', () => {
    const user: FlagBridgeUser = {
      id: 'user-1',
      email: 'ada@example.com',
      name: 'Ada',
      country: 'UK',
      attributes: { plan: 'pro', seats: 3, beta: true, tags: ['a', 'b'], nothing: null },
      privateAttributes: ['email'],
    }
    expect(toConfigCatUser(user)).toStrictEqual({
      identifier: 'user-1',
      email: 'ada@example.com',
      country: 'UK',
      custom: { plan: 'pro', seats: 3, beta: 'true', tags: ['a', 'b'] },
    })
  })

  test('leaves out email and country when the user has none', () => {
    expect(toConfigCatUser({ id: 'user-2' })).toStrictEqual({ identifier: 'user-2', custom: {} })
  })
})

describe('isValidConfigCatSdkKey', () => {
  test('accepts exactly the keys the real SDK accepts (it throws from getClient for the others)', () => {
    const part = 'a'.repeat(22)
    const keys = [
      `${part}/${part}`,
      `configcat-sdk-1/${part}/${part}`,
      `${part}/${'a'.repeat(21)}`,
      `${'a'.repeat(23)}/${part}`,
      `configcat-sdk-2/${part}/${part}`,
      `configcat-sdk-1/${part}/${part}/`,
      `configcat-sdk-1/${part}`,
      `${part}${part}`,
      `/${part}/${part}`,
      `${part}/${part}\n`,
      `${'ü'.repeat(22)}/${'.'.repeat(22)}`,
      'configcat-proxy/anything',
      'configcat-proxy/',
    ]
    for (const baseUrl of [undefined, 'http://127.0.0.1:9']) {
      const sdkAccepts = keys.map((key) => {
        try {
          configcat
            .getClient(key, configcat.PollingMode.ManualPoll, {
              baseUrl,
              logger: configcat.createConsoleLogger(configcat.LogLevel.Off),
            })
            .dispose()
          return true
        } catch {
          return false
        }
      })
      expect(keys.map((key) => isValidConfigCatSdkKey(key, { baseUrl }))).toEqual(sdkAccepts)
      expect(sdkAccepts.filter(Boolean)).toHaveLength(baseUrl ? 4 : 3)
    }
  })
})

describe('createConfigCatVendor over a real @configcat/sdk client', () => {
  test('serves every setting type with its variation id, synchronously', () => {
    const vendor = createConfigCatVendor(createClient())
    expect(vendor.state().status).toBe('ready')
    expect(vendor.evaluate('newCheckout', false, undefined)).toStrictEqual({
      value: true,
      variationId: 'var-checkout-on',
      reason: 'FALLTHROUGH',
      isDefault: false,
    })
    expect(vendor.evaluate('banner', '', undefined)).toStrictEqual({
      value: 'Spring sale',
      variationId: 'var-banner-spring',
      reason: 'FALLTHROUGH',
      isDefault: false,
    })
    expect(vendor.evaluate('maxItems', 0, undefined)).toStrictEqual({
      value: 25,
      variationId: 'var-max-25',
      reason: 'FALLTHROUGH',
      isDefault: false,
    })
    expect(vendor.evaluate('discount', 0, undefined)).toStrictEqual({
      value: 0.15,
      variationId: 'var-discount-15',
      reason: 'FALLTHROUGH',
      isDefault: false,
    })
  })

  test('an unknown key is a default without an error', () => {
    const vendor = createConfigCatVendor(createClient())
    expect(vendor.evaluate('doesNotExist', false, undefined)).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
  })

  test('targets by Email through the FlagBridge user', () => {
    const vendor = createConfigCatVendor(createClient())
    expect(vendor.evaluate('betaByEmail', false, { id: 'u1', email: 'ada@example.com' })).toStrictEqual({
      value: true,
      variationId: 'var-beta-staff',
      reason: 'RULE_MATCH',
      isDefault: false,
    })
    expect(vendor.evaluate('betaByEmail', false, { id: 'u2', email: 'bob@elsewhere.org' })).toStrictEqual({
      value: false,
      variationId: 'var-beta-off',
      reason: 'FALLTHROUGH',
      isDefault: false,
    })
    expect(vendor.evaluate('betaByEmail', false, undefined).value).toBe(false)
  })

  test('targets by Identifier and by custom attribute', () => {
    const vendor = createConfigCatVendor(createClient())
    expect(vendor.evaluate('vipById', '', { id: 'user-vip' }).value).toBe('vip')
    expect(vendor.evaluate('vipById', '', { id: 'user-vip' }).variationId).toBe('var-vip-yes')
    expect(vendor.evaluate('vipById', '', { id: 'user-other' }).value).toBe('regular')
    expect(vendor.evaluate('planGate', false, { id: 'u', attributes: { plan: 'pro' } }).value).toBe(true)
    expect(vendor.evaluate('planGate', false, { id: 'u', attributes: { plan: 'free' } }).value).toBe(false)
  })

  test('keys() lists every setting', () => {
    const vendor = createConfigCatVendor(createClient())
    expect([...vendor.keys()].sort()).toStrictEqual(
      ['banner', 'betaByEmail', 'discount', 'maxItems', 'newCheckout', 'planGate', 'vipById'].sort(),
    )
  })

  test('identify sets the client default user, so the app’s own SDK calls agree; undefined clears it', async () => {
    const client = createClient()
    const vendor = createConfigCatVendor(client)
    expect(await client.getValueAsync('betaByEmail', false)).toBe(false)
    await vendor.identify({ id: 'u1', email: 'ada@example.com' })
    expect(await client.getValueAsync('betaByEmail', false)).toBe(true)
    expect(await client.getValueAsync('vipById', '')).toBe('regular')
    await vendor.identify({ id: 'user-vip' })
    expect(await client.getValueAsync('vipById', '')).toBe('vip')
    await vendor.identify(undefined)
    expect(await client.getValueAsync('vipById', '')).toBe('regular')
  })

  test('identify notifies subscribers that anything may have changed', async () => {
    const vendor = createConfigCatVendor(createClient())
    const heard: Array<readonly string[] | undefined> = []
    vendor.subscribe((keys) => heard.push(keys))
    // Subscribing attaches to the client, which reports ready once.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(heard).toStrictEqual([undefined])
    heard.length = 0
    await vendor.identify({ id: 'u1' })
    expect(heard).toStrictEqual([undefined])
  })

  test('reports the app’s own evaluations (flagEvaluated), not its own', async () => {
    const client = createClient()
    const vendor = createConfigCatVendor(client)
    const seen: unknown[] = []
    vendor.subscribeToSdkEvaluations!((evaluation) => seen.push(evaluation))
    vendor.evaluate('newCheckout', false, undefined)
    expect(seen).toStrictEqual([])
    await client.getValueAsync('banner', '')
    expect(seen).toHaveLength(1)
    // Only evaluations for the user the client was identified with: its default user (none, then
    // u1), or the same id passed to the call; one made for someone else is not this user's.
    await vendor.identify({ id: 'u1' })
    await client.getValueAsync('banner', '')
    await client.getValueAsync('banner', '', { identifier: 'someone-else' })
    await client.getValueAsync('banner', '', { identifier: 'u1' })
    await vendor.identify(undefined)
    await client.getValueAsync('banner', '', { identifier: 'u1' })
    const banner = { key: 'banner', value: 'Spring sale', variationId: 'var-banner-spring', isDefault: false }
    expect(seen).toStrictEqual([banner, banner, banner])
  })

  test('a client that throws on every call: defaults, VENDOR_ERROR, never a throw', async () => {
    const boom = () => {
      throw new Error('boom')
    }
    const client = {
      snapshot: boom,
      setDefaultUser: boom,
      clearDefaultUser: boom,
      waitForReady: boom,
      on: boom,
      off: boom,
    } as unknown as configcat.IConfigCatClient
    const vendor = createConfigCatVendor(client)
    expect(vendor.state().status).toBe('loading')
    expect(vendor.keys()).toStrictEqual([])
    const unsubscribe = vendor.subscribe(() => {})
    expect(vendor.evaluate('x', false, undefined)).toStrictEqual({
      value: undefined,
      isDefault: true,
      error: undefined,
    })
    unsubscribe()
    await expect(vendor.identify({ id: 'u' })).rejects.toMatchObject({
      name: 'FlagBridgeError',
      code: 'VENDOR_ERROR',
      message: '[flagbridge] ConfigCat could not switch users: boom',
    })
  })
})
