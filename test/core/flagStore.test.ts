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

describe('routing never depends on who is still loading', () => {
  test('first visit: a bootstrapped LaunchDarkly flag is served at once while ConfigCat (no cache) loads', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', {}, { status: 'loading' })
    const launchdarkly = createStaticVendor('launchdarkly', { banner: 'from launchdarkly', shared: 'ld' })
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    expect(store.getEvaluation('banner', '')).toMatchObject({
      value: 'from launchdarkly',
      provider: 'launchdarkly',
      loading: false,
    })
    // Nobody knows it yet: ConfigCat (the default) is waited for.
    expect(store.getEvaluation('checkout', false)).toMatchObject({ provider: 'configcat', loading: true })
    expect(store.getEvaluation('shared', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
    const shown = ['banner', 'checkout', 'shared'].map((key) => store.subscribe(key, () => {}))

    // ConfigCat arrives knowing checkout and shared: checkout is ConfigCat's; shared stays where it was shown.
    configcat.setFlag('checkout', true)
    configcat.setFlag('shared', 'cc')
    configcat.setState({ status: 'ready' })
    expect(store.getEvaluation('checkout', false)).toMatchObject({ value: true, provider: 'configcat' })
    expect(store.getEvaluation('shared', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
    expect(store.getEvaluation('banner', '')).toMatchObject({ value: 'from launchdarkly' })
    for (const unsubscribe of shown) unsubscribe()
  })

  test('routing.default launchdarkly: ConfigCat’s own flags never flip to a default while LaunchDarkly loads or identifies', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', { 'cc-only': 'from configcat' })
    const launchdarkly = createStaticVendor('launchdarkly', {}, { status: 'loading' })
    const store = createFlagStore({
      vendors: { configcat, launchdarkly },
      routing: { default: 'launchdarkly' },
    })
    const seen: unknown[] = []
    store.subscribe('cc-only', () => seen.push(store.getEvaluation('cc-only', '').value))
    const first = store.getEvaluation('cc-only', '')
    expect(first).toMatchObject({ value: 'from configcat', provider: 'configcat', loading: false })

    launchdarkly.setFlag('ld-only', 'x')
    launchdarkly.setState({ status: 'ready' })
    // An identify: LaunchDarkly loads again.
    launchdarkly.setState({ status: 'loading' })
    launchdarkly.setState({ status: 'ready' })
    expect(store.getEvaluation('cc-only', '')).toBe(first)
    expect(seen).toEqual([])
  })

  test('returning visit: with ConfigCat’s cache both vendors are ready, and a key both know goes to the default', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', { shared: 'cc' })
    const launchdarkly = createStaticVendor('launchdarkly', { shared: 'ld' })
    expect(
      createFlagStore({ vendors: { configcat, launchdarkly } }).getEvaluation('shared', ''),
    ).toMatchObject({
      value: 'cc',
      provider: 'configcat',
    })
    expect(
      createFlagStore({
        vendors: { configcat, launchdarkly },
        routing: { default: 'launchdarkly' },
      }).getEvaluation('shared', ''),
    ).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
  })

  test('vendor down: its flags stay with it, in error, rather than moving to the other vendor', async () => {
    const { createStaticVendor, FlagBridgeError } = await import('@flagbridge/core')
    const configcat = createStaticVendor('configcat', { shared: 'cc' })
    const launchdarkly = createStaticVendor('launchdarkly', { shared: 'ld' })
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    store.subscribe('shared', () => {})
    expect(store.getEvaluation('shared', '')).toMatchObject({ value: 'cc', provider: 'configcat' })
    configcat.setState({ status: 'error', error: new FlagBridgeError('VENDOR_ERROR', 'down') })
    expect(store.getEvaluation('shared', '')).toMatchObject({
      value: '',
      provider: 'configcat',
      error: { code: 'VENDOR_ERROR' },
    })
  })

  test('server snapshots route from what both sides know (bootstrapped flags), and the client keeps that vendor', async () => {
    const { createStaticVendor } = await import('@flagbridge/core')
    // On the client ConfigCat is ready from its cache; on the server it had nothing.
    const configcat = createStaticVendor('configcat', { shared: 'cc', 'cc-only': true })
    const launchdarkly = {
      ...createStaticVendor('launchdarkly', { shared: 'ld' }),
      serverEvaluate: (key: string) =>
        key === 'shared' ? { value: 'ld', isDefault: false } : { value: undefined, isDefault: true },
    }
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    expect(store.getServerEvaluation('shared', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
    expect(store.getServerEvaluation('cc-only', false)).toMatchObject({
      value: false,
      provider: 'configcat',
      loading: true,
    })
    // After hydration: the key the server showed from LaunchDarkly stays there.
    expect(store.getEvaluation('shared', '')).toMatchObject({ value: 'ld', provider: 'launchdarkly' })
    expect(store.getEvaluation('cc-only', false)).toMatchObject({ value: true, provider: 'configcat' })
  })
})

describe('snapshots nobody reads', () => {
  test('are not re-evaluated on changes, are correct when read again, and are dropped after the last reader left', async () => {
    const evaluated: string[] = []
    const vendor = liveVendor('configcat', { a: 1, b: 2 })
    const evaluate = vendor.evaluate
    vendor.evaluate = (key, defaultValue, user) => {
      evaluated.push(key)
      return evaluate(key, defaultValue, user)
    }
    const store = createFlagStore({ vendors: { configcat: vendor } })
    const unsubscribe = store.subscribe('a', () => {})
    store.getEvaluation('a', 0)
    store.getEvaluation('b', 0)
    evaluated.length = 0
    vendor.set('a', 10)
    vendor.set('b', 20)
    // Only the key someone shows is evaluated again.
    expect(evaluated).toEqual(['a'])
    expect(store.getEvaluation('b', 0).value).toBe(20)
    expect(store.cachedEvaluations().map((evaluation) => evaluation.key)).toEqual(['a', 'b'])
    unsubscribe()
    await Promise.resolve()
    expect(store.cachedEvaluations().map((evaluation) => evaluation.key)).toEqual(['b'])
  })
})
