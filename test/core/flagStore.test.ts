import { createFlagStore, type FlagProvider, type FlagValue, type FlagVendor } from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

/** An in-memory vendor that, like LaunchDarkly, says which keys changed. */
function liveVendor(provider: FlagProvider, flags: Record<string, FlagValue>) {
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  const vendor: FlagVendor & { set(key: string, value: FlagValue): void } = {
    provider,
    evaluate: (key) =>
      Object.hasOwn(flags, key)
        ? {
            value: flags[key],
            variationId: `${provider}:${key}:${JSON.stringify(flags[key])}`,
            isDefault: false,
          }
        : { value: undefined, isDefault: true },
    keys: () => Object.keys(flags),
    state: () => ({ status: 'ready' }),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    identify: async () => {},
    set(key, value) {
      flags[key] = value
      for (const listener of listeners) listener([key])
    },
  }
  return vendor
}

describe('per-key subscriptions and stable snapshots', () => {
  test('changing flag A notifies only A’s listeners, exactly once', () => {
    const vendor = liveVendor('launchdarkly', { a: true, b: 1 })
    const store = createFlagStore({ vendors: { launchdarkly: vendor } })
    store.getEvaluation('a', false)
    store.getEvaluation('b', 0)
    const calls = { a: 0, b: 0, b2: 0 }
    store.subscribe('a', () => calls.a++)
    store.subscribe('b', () => calls.b++)
    store.subscribe('b', () => calls.b2++)
    vendor.set('a', false)
    expect(calls).toStrictEqual({ a: 1, b: 0, b2: 0 })
    vendor.set('b', 2)
    expect(calls).toStrictEqual({ a: 1, b: 1, b2: 1 })
    // Same value again: no change, no notification.
    vendor.set('b', 2)
    expect(calls).toStrictEqual({ a: 1, b: 1, b2: 1 })
  })

  test('a snapshot is the same object until it changes', () => {
    const vendor = liveVendor('launchdarkly', { a: true, b: 1 })
    const store = createFlagStore({ vendors: { launchdarkly: vendor } })
    const first = store.getEvaluation('a', false)
    expect(store.getEvaluation('a', false)).toBe(first)
    vendor.set('b', 5)
    expect(store.getEvaluation('a', false)).toBe(first)
    store.setUser({ id: 'same' })
    const forUser = store.getEvaluation('a', false)
    expect(forUser).not.toBe(first)
    expect(forUser.user).toBe('same')
    vendor.set('a', false)
    const changed = store.getEvaluation('a', false)
    expect(changed).not.toBe(forUser)
    expect(changed.value).toBe(false)
    expect(store.getEvaluation('a', false)).toBe(changed)
  })

  test('unsubscribe stops notifications', () => {
    const vendor = liveVendor('launchdarkly', { a: true })
    const store = createFlagStore({ vendors: { launchdarkly: vendor } })
    store.getEvaluation('a', false)
    let calls = 0
    const unsubscribe = store.subscribe('a', () => calls++)
    unsubscribe()
    vendor.set('a', false)
    expect(calls).toBe(0)
  })
})

describe('routing precedence: source option > routing.flags > the vendor that knows the key > routing.default', () => {
  const vendors = () => ({
    configcat: liveVendor('configcat', { shared: 'cc', ccOnly: 'cc' }),
    launchdarkly: liveVendor('launchdarkly', { shared: 'ld', ldOnly: 'ld' }),
  })

  test('the source option wins over everything', () => {
    const store = createFlagStore({
      vendors: vendors(),
      routing: { default: 'launchdarkly', flags: { shared: 'launchdarkly' } },
    })
    expect(store.getEvaluation('shared', '', 'configcat')).toMatchObject({
      value: 'cc',
      provider: 'configcat',
    })
  })

  test('routing.flags wins over the vendor that knows the key', () => {
    const store = createFlagStore({ vendors: vendors(), routing: { flags: { ccOnly: 'launchdarkly' } } })
    // LaunchDarkly doesn't know it: default served, but routed where told.
    expect(store.getEvaluation('ccOnly', 'default')).toMatchObject({
      value: 'default',
      provider: 'launchdarkly',
      isDefault: true,
    })
  })

  test('the vendor that knows the key wins over routing.default', () => {
    const store = createFlagStore({ vendors: vendors(), routing: { default: 'launchdarkly' } })
    expect(store.getEvaluation('ccOnly', '')).toMatchObject({ value: 'cc', provider: 'configcat' })
    expect(store.getEvaluation('ldOnly', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
  })

  test('routing.default decides when both or neither know the key', () => {
    const store = createFlagStore({ vendors: vendors(), routing: { default: 'launchdarkly' } })
    expect(store.getEvaluation('shared', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
    expect(store.getEvaluation('unknown', 'd')).toMatchObject({
      value: 'd',
      provider: 'launchdarkly',
      isDefault: true,
    })
  })

  test('keys named like Object.prototype members route normally', () => {
    const store = createFlagStore({
      vendors: { configcat: liveVendor('configcat', { constructor: true, toString: 'x' }) },
      routing: { flags: {} },
    })
    expect(store.getEvaluation('constructor', false)).toMatchObject({
      value: true,
      provider: 'configcat',
      error: undefined,
    })
    expect(store.getEvaluation('toString', '')).toMatchObject({
      value: 'x',
      provider: 'configcat',
      error: undefined,
    })
  })
})

describe('overrides and types', () => {
  test('an override replaces the served value, notifies that key only, and clears back', () => {
    const vendor = liveVendor('configcat', { a: true, b: 'x' })
    const store = createFlagStore({ vendors: { configcat: vendor } })
    store.getEvaluation('a', false)
    store.getEvaluation('b', '')
    const calls = { a: 0, b: 0 }
    store.subscribe('a', () => calls.a++)
    store.subscribe('b', () => calls.b++)
    store.setOverride({ provider: undefined, key: 'a', value: false })
    expect(store.getEvaluation('a', false)).toMatchObject({
      value: false,
      overridden: true,
      provider: 'configcat',
    })
    expect(calls).toStrictEqual({ a: 1, b: 0 })
    store.clearOverride('a')
    expect(store.getEvaluation('a', false)).toMatchObject({ value: true, overridden: false })
    expect(calls).toStrictEqual({ a: 2, b: 0 })
  })

  test('TYPE_MISMATCH when the served type differs from the default’s; the default is served', () => {
    const store = createFlagStore({
      vendors: { configcat: liveVendor('configcat', { flag: 'text', list: [1, 2], obj: { a: 1 } }) },
    })
    const evaluation = store.getEvaluation('flag', false)
    expect(evaluation).toMatchObject({ value: false, isDefault: true, error: { code: 'TYPE_MISMATCH' } })
    expect(evaluation.error!.message).toBe(
      '[flagbridge] "flag" is a string flag in configcat but the default is a boolean: the default is served.',
    )
    expect(store.getEvaluation('list', {})).toMatchObject({ value: {}, error: { code: 'TYPE_MISMATCH' } })
    expect(store.getEvaluation('list', [] as number[])).toMatchObject({ value: [1, 2], error: undefined })
    expect(store.getEvaluation('obj', {})).toMatchObject({ value: { a: 1 }, error: undefined })
    expect(store.getEvaluation('flag', null)).toMatchObject({ value: 'text', error: undefined })
  })

  test('no vendor at all: NO_VENDOR, default served', () => {
    const store = createFlagStore()
    expect(store.getEvaluation('a', 1)).toMatchObject({
      value: 1,
      provider: undefined,
      error: { code: 'NO_VENDOR' },
    })
  })
})

describe('routing while a vendor loads', () => {
  test('a preferred vendor still loading is waited for instead of serving the other vendor first', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', { shared: 'from configcat' })
    const launchdarkly = createStaticVendor('launchdarkly', {}, { status: 'loading' })
    const store = createFlagStore({
      vendors: { configcat, launchdarkly },
      routing: { default: 'launchdarkly' },
    })
    expect(store.getEvaluation('shared', '')).toMatchObject({
      value: '',
      provider: 'launchdarkly',
      loading: true,
    })

    // LaunchDarkly arrives without the key: ConfigCat, which knows it, serves it.
    launchdarkly.setState({ status: 'ready' })
    expect(store.getEvaluation('shared', '')).toMatchObject({
      value: 'from configcat',
      provider: 'configcat',
      loading: false,
    })
  })

  test('without routing.default, ConfigCat wins ties, so a loading ConfigCat is waited for', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', {}, { status: 'loading' })
    const launchdarkly = createStaticVendor('launchdarkly', { shared: 'from launchdarkly' })
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    expect(store.getEvaluation('shared', '')).toMatchObject({ provider: 'configcat', loading: true })
    configcat.setFlag('shared', 'from configcat')
    configcat.setState({ status: 'ready' })
    expect(store.getEvaluation('shared', '')).toMatchObject({
      value: 'from configcat',
      provider: 'configcat',
    })
  })
})
