import { createFlagStore, createStaticVendor, type FlagProvider, type FlagVendor } from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

// The store's side of the hooks' contract: which snapshot a read gets, when vendors are asked,
// who hears about changes, and what the overlay can list.

/** A static vendor that also counts how often it is asked, and who listens to it. */
function counted(provider: FlagProvider, flags: Parameters<typeof createStaticVendor>[1] = {}) {
  const vendor = createStaticVendor(provider, flags)
  let asked = 0
  let listening = 0
  const watched: FlagVendor = {
    ...vendor,
    evaluate: (key) => {
      asked++
      return vendor.evaluate(key)
    },
    subscribe(listener) {
      listening++
      const unsubscribe = vendor.subscribe(listener)
      return () => {
        listening--
        unsubscribe()
      }
    },
  }
  return { vendor, watched, asked: () => asked, listening: () => listening }
}

const microtask = () => Promise.resolve()

describe('one snapshot per key, source and default', () => {
  test('different defaults get their own snapshots, objects by content', () => {
    const store = createFlagStore({ vendors: { configcat: createStaticVendor('configcat', {}) } })
    expect(store.getEvaluation('layout', { columns: 2 }).value).toEqual({ columns: 2 })
    expect(store.getEvaluation('layout', { rows: 1 }).value).toEqual({ rows: 1 })
    expect(store.getEvaluation('layout', { columns: 2 })).toBe(store.getEvaluation('layout', { columns: 2 }))
    expect(store.getEvaluation('flag', null).value).toBeNull()
    expect(store.getEvaluation('flag', 'null').value).toBe('null')
  })

  test('defaults JSON cannot write are told apart by identity, and stay stable', () => {
    const store = createFlagStore({ vendors: { configcat: createStaticVendor('configcat', {}) } })
    const first: Record<string, unknown> = { name: 'first' }
    first.self = first
    const second: Record<string, unknown> = { name: 'second' }
    second.self = second
    expect(store.getEvaluation('layout', first).value).toBe(first)
    expect(store.getEvaluation('layout', second).value).toBe(second)
    expect(store.getEvaluation('layout', first)).toBe(store.getEvaluation('layout', first))
  })

  test('an override for one vendor applies to keys that vendor serves; one without a vendor to any', () => {
    const store = createFlagStore({
      vendors: { configcat: createStaticVendor('configcat', { checkout: 'cc' }) },
    })
    store.setOverride({ provider: 'launchdarkly', key: 'checkout', value: 'ld override' })
    expect(store.getEvaluation('checkout', '').value).toBe('cc')
    store.setOverride({ provider: 'configcat', key: 'checkout', value: 'cc override' })
    expect(store.getEvaluation('checkout', '').value).toBe('cc override')
    store.clearOverride('checkout', 'configcat')
    store.setOverride({ provider: undefined, key: 'checkout', value: 'any override' })
    expect(store.getEvaluation('checkout', '').value).toBe('any override')
    expect(store.overrides().map((override) => `${override.provider} ${override.value}`)).toEqual([
      'launchdarkly ld override',
      'undefined any override',
    ])
    store.clearOverrides()
    expect([store.getEvaluation('checkout', '').value, store.overrides()]).toEqual(['cc', []])
  })

  test('clearOverrides tells the readers of each overridden key', () => {
    const store = createFlagStore({ vendors: { configcat: createStaticVendor('configcat', { a: 1, b: 2 }) } })
    const heard: string[] = []
    store.subscribe('a', () => heard.push('a'))
    store.subscribe('b', () => heard.push('b'))
    store.getEvaluation('a', 0)
    store.getEvaluation('b', 0)
    store.setOverride({ provider: undefined, key: 'a', value: 10 })
    store.setOverride({ provider: undefined, key: 'b', value: 20 })
    heard.length = 0
    store.clearOverrides()
    expect(heard.sort()).toEqual(['a', 'b'])
    expect([store.getEvaluation('a', 0).value, store.getEvaluation('b', 0).value]).toEqual([1, 2])
  })
})

describe('when vendors are asked', () => {
  test('reading an unchanged snapshot asks the vendor once', () => {
    const configcat = counted('configcat', { checkout: true })
    const store = createFlagStore({ vendors: { configcat: configcat.watched } })
    store.getEvaluation('checkout', false)
    store.getEvaluation('checkout', false)
    store.getEvaluation('checkout', false)
    expect(configcat.asked()).toBe(1)
  })

  test('a flag no one subscribes to is not re-evaluated on changes, only when read again', () => {
    const configcat = counted('configcat', { checkout: true })
    const store = createFlagStore({ vendors: { configcat: configcat.watched } })
    store.getEvaluation('checkout', false)
    configcat.vendor.setFlag('checkout', false)
    configcat.vendor.setFlag('checkout', true)
    configcat.vendor.setFlag('checkout', false)
    expect(configcat.asked()).toBe(1)
    expect(store.getEvaluation('checkout', false).value).toBe(false)
    expect(configcat.asked()).toBe(2)
  })

  test('a vendor that reports a change on every evaluation (a feedback loop) is evaluated 3 passes at most, never recursively', () => {
    const configcat = createStaticVendor('configcat', { a: 'a1' })
    let asked = 0
    const looping: FlagVendor = {
      ...configcat,
      evaluate: (key) => {
        asked++
        // Like ConfigCat's clientError raised inside an evaluation (bug K1): every evaluation reports a change.
        configcat.setFlag(key, 'a1')
        return configcat.evaluate(key)
      },
    }
    const store = createFlagStore({ vendors: { configcat: looping } })
    store.subscribe('a', () => {})
    expect(store.getEvaluation('a', '').value).toBe('a1')
    expect(asked).toBe(1)
    expect(() => configcat.setFlag('a', 'a1')).not.toThrow()
    expect(asked).toBe(4)
  })

  test('a change to another key reported during a refresh is applied right after it, and heard; other keys are left alone', () => {
    const configcat = createStaticVendor('configcat', { a: 'a1', b: 'b1', c: 'c1' })
    const asked: string[] = []
    const reentrant: FlagVendor = {
      ...configcat,
      evaluate: (key) => {
        asked.push(key)
        const answer = configcat.evaluate(key)
        if (key === 'a' && answer.value === 'a2') configcat.setFlag('b', 'b2')
        return answer
      },
    }
    const store = createFlagStore({ vendors: { configcat: reentrant } })
    const heard: string[] = []
    for (const key of ['a', 'b', 'c']) {
      store.subscribe(key, () => heard.push(key))
      store.getEvaluation(key, '')
    }
    asked.length = 0
    configcat.setFlag('a', 'a2')
    expect(['a', 'b', 'c'].map((key) => store.getEvaluation(key, '').value)).toEqual(['a2', 'b2', 'c1'])
    expect(heard.sort()).toEqual(['a', 'b'])
    expect(asked).toEqual(['a', 'b'])
  })

  test('a change of every key reported during a refresh re-evaluates every key right after it', () => {
    const configcat = createStaticVendor('configcat', { a: 'a1', b: 'b1', c: 'c1' })
    const reentrant: FlagVendor = {
      ...configcat,
      evaluate: (key) => {
        const answer = configcat.evaluate(key)
        if (key === 'a' && answer.value === 'a2') {
          configcat.setFlag('c', 'c2')
          configcat.setFlag('b', 'b2')
          configcat.setState({ status: 'ready' })
        }
        return answer
      },
    }
    const store = createFlagStore({ vendors: { configcat: reentrant } })
    for (const key of ['a', 'b', 'c']) {
      store.subscribe(key, () => {})
      store.getEvaluation(key, '')
    }
    configcat.setFlag('a', 'a2')
    expect(['a', 'b', 'c'].map((key) => store.getEvaluation(key, '').value)).toEqual(['a2', 'b2', 'c2'])
  })
})

describe('subscriptions', () => {
  test('unsubscribing twice never cuts off a later reader of the same key', async () => {
    const configcat = createStaticVendor('configcat', { checkout: true })
    const store = createFlagStore({ vendors: { configcat } })
    const heard: string[] = []
    const first = store.subscribe('checkout', () => heard.push('first'))
    first()
    store.subscribe('checkout', () => heard.push('second'))
    first()
    await microtask()
    store.getEvaluation('checkout', false)
    configcat.setFlag('checkout', false)
    expect(heard).toEqual(['second'])
  })

  test('the last reader leaving drops the snapshot (after a tick); a reader back within the tick keeps it', async () => {
    const store = createFlagStore({
      vendors: { configcat: createStaticVendor('configcat', { checkout: true }) },
    })
    const first = store.getEvaluation('checkout', false)
    const one = store.subscribe('checkout', () => {})
    const two = store.subscribe('checkout', () => {})
    one()
    await microtask()
    expect(store.getEvaluation('checkout', false)).toBe(first)
    two()
    // StrictMode: unsubscribed and subscribed again before the tick ends.
    const three = store.subscribe('checkout', () => {})
    await microtask()
    expect(store.getEvaluation('checkout', false)).toBe(first)
    three()
    await microtask()
    expect(store.cachedEvaluations()).toEqual([])
    expect(store.getEvaluation('checkout', false)).not.toBe(first)
  })

  test('subscribeAll hears every change until it unsubscribes; version counts changes', () => {
    const configcat = createStaticVendor('configcat', { checkout: true })
    const store = createFlagStore({ vendors: { configcat } })
    const heard: number[] = []
    const unsubscribe = store.subscribeAll(() => heard.push(store.version()))
    const before = store.version()
    configcat.setFlag('checkout', false)
    configcat.setFlag('checkout', true)
    unsubscribe()
    configcat.setFlag('checkout', false)
    expect(heard).toEqual([before + 1, before + 2])
    expect(store.version()).toBe(before + 3)
  })
})

describe('vendors coming and going', () => {
  test('created with autoConnect false: vendors are not listened to until connect(), which catches up', () => {
    const configcat = counted('configcat', { checkout: true })
    const store = createFlagStore({ vendors: { configcat: configcat.watched }, autoConnect: false })
    const heard: string[] = []
    store.subscribe('checkout', () => heard.push('checkout'))
    expect(store.getEvaluation('checkout', false).value).toBe(true)
    expect(configcat.listening()).toBe(0)
    configcat.vendor.setFlag('checkout', false)
    store.connect()
    store.connect()
    expect(configcat.listening()).toBe(1)
    expect(heard).toEqual(['checkout'])
    expect(store.getEvaluation('checkout', false).value).toBe(false)
  })

  test('disconnect() and dispose() stop listening to every vendor; changes are caught up on connect()', () => {
    const configcat = counted('configcat', { checkout: true })
    const launchdarkly = counted('launchdarkly', { banner: 'on' })
    const store = createFlagStore({
      vendors: { configcat: configcat.watched, launchdarkly: launchdarkly.watched },
    })
    store.subscribe('checkout', () => {})
    store.getEvaluation('checkout', false)
    store.disconnect()
    expect([configcat.listening(), launchdarkly.listening()]).toEqual([0, 0])
    configcat.vendor.setFlag('checkout', false)
    expect(store.getEvaluation('checkout', false).value).toBe(true)
    store.connect()
    expect([configcat.listening(), launchdarkly.listening()]).toEqual([1, 1])
    expect(store.getEvaluation('checkout', false).value).toBe(false)
    store.dispose()
    expect([configcat.listening(), launchdarkly.listening()]).toEqual([0, 0])
  })

  test('setVendor: the same vendor again changes nothing; a new one replaces the old, which is no longer heard', () => {
    const first = counted('configcat', { checkout: 'first' })
    const second = counted('configcat', { checkout: 'second' })
    const store = createFlagStore({ vendors: { configcat: first.watched } })
    store.subscribe('checkout', () => {})
    const shown = store.getEvaluation('checkout', '')
    const version = store.version()
    store.setVendor('configcat', first.watched)
    expect(store.version()).toBe(version)
    store.setVendor('configcat', second.watched)
    expect([first.listening(), second.listening()]).toEqual([0, 1])
    expect(store.getEvaluation('checkout', '')).not.toBe(shown)
    expect(store.getEvaluation('checkout', '').value).toBe('second')
    store.setVendor('configcat', undefined)
    expect(store.vendor('configcat')).toBeUndefined()
    expect(store.getEvaluation('checkout', '').error?.code).toBe('NO_VENDOR')
  })

  test('a vendor added before connect() is listened to from connect() on', () => {
    const store = createFlagStore({ autoConnect: false })
    const configcat = counted('configcat', { checkout: true })
    store.setVendor('configcat', configcat.watched)
    expect(configcat.listening()).toBe(0)
    store.connect()
    expect(configcat.listening()).toBe(1)
  })

  test('a key a vendor served stays with it; replacing that vendor lets the key go to whoever knows it', () => {
    const launchdarkly = createStaticVendor('launchdarkly', { checkout: 'ld' })
    const store = createFlagStore({ vendors: { launchdarkly } })
    store.subscribe('checkout', () => {})
    expect(store.getEvaluation('checkout', '').provider).toBe('launchdarkly')
    store.setVendor('configcat', createStaticVendor('configcat', { checkout: 'cc' }))
    expect(store.getEvaluation('checkout', '')).toMatchObject({ provider: 'launchdarkly', value: 'ld' })
    store.setVendor('launchdarkly', createStaticVendor('launchdarkly', {}))
    expect(store.getEvaluation('checkout', '')).toMatchObject({ provider: 'configcat', value: 'cc' })
  })

  test('a key a vendor learns later (a live update) is routed to it', () => {
    const configcat = createStaticVendor('configcat', {})
    const launchdarkly = createStaticVendor('launchdarkly', {})
    const store = createFlagStore({ vendors: { configcat, launchdarkly }, routing: { default: 'configcat' } })
    store.subscribe('banner', () => {})
    expect(store.getEvaluation('banner', '').provider).toBe('configcat')
    launchdarkly.setFlag('banner', 'new')
    expect(store.getEvaluation('banner', '')).toMatchObject({ provider: 'launchdarkly', value: 'new' })
  })

  test('a vendor whose state() or keys() throws: it knows no keys and is not waited for', () => {
    const broken = (provider: FlagProvider): FlagVendor => ({
      ...createStaticVendor(provider, { checkout: 'x' }),
      state: () => {
        throw new Error('state')
      },
      keys: () => {
        throw new Error('keys')
      },
    })
    const store = createFlagStore({
      vendors: {
        configcat: broken('configcat'),
        launchdarkly: createStaticVendor('launchdarkly', { banner: 'on' }),
      },
    })
    expect(store.getEvaluation('banner', '')).toMatchObject({
      provider: 'launchdarkly',
      value: 'on',
      loading: false,
    })
    expect(store.knownKeys()).toEqual([{ key: 'banner', provider: 'launchdarkly' }])
    // Nobody knows this key: it goes to routing.default, not to the broken vendor as if it were loading.
    const defaulted = createFlagStore({
      vendors: { configcat: broken('configcat'), launchdarkly: createStaticVendor('launchdarkly', {}) },
      routing: { default: 'launchdarkly' },
    })
    expect(defaulted.getEvaluation('unknown', false)).toMatchObject({
      provider: 'launchdarkly',
      loading: false,
    })
  })
})

describe('which vendor serves a key', () => {
  test('a key nobody knows yet waits for a vendor on its first load, even when routing.default is the other', () => {
    const configcat = createStaticVendor('configcat', {}, { status: 'loading' })
    const launchdarkly = createStaticVendor('launchdarkly', {})
    const store = createFlagStore({
      vendors: { configcat, launchdarkly },
      routing: { default: 'launchdarkly' },
    })
    store.subscribe('checkout', () => {})
    expect(store.getEvaluation('checkout', false)).toMatchObject({ provider: 'configcat', loading: true })
    configcat.setFlag('checkout', true)
    configcat.setState({ status: 'ready' })
    expect(store.getEvaluation('checkout', false)).toMatchObject({
      provider: 'configcat',
      value: true,
      loading: false,
    })
  })

  test('a vendor that was ready once and is loading again (identifying) is not waited for on keys it did not have', () => {
    const configcat = createStaticVendor('configcat', { known: true })
    const launchdarkly = createStaticVendor('launchdarkly', {})
    const store = createFlagStore({
      vendors: { configcat, launchdarkly },
      routing: { default: 'launchdarkly' },
    })
    store.subscribe('known', () => {})
    store.subscribe('unknown', () => {})
    expect(store.getEvaluation('known', false).provider).toBe('configcat')
    configcat.setState({ status: 'loading' })
    expect(store.getEvaluation('unknown', false)).toMatchObject({ provider: 'launchdarkly', loading: false })
    // What it knew is still its own while it loads.
    expect(store.getEvaluation('known', false)).toMatchObject({ provider: 'configcat', loading: true })
  })

  test('reads naming a vendor, or routed by routing.flags, do not pin the key for the other reads', () => {
    const configcat = createStaticVendor('configcat', { checkout: 'cc' })
    const launchdarkly = createStaticVendor('launchdarkly', { checkout: 'ld' })
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    expect(store.getEvaluation('checkout', '', 'launchdarkly')).toMatchObject({
      provider: 'launchdarkly',
      value: 'ld',
    })
    expect(store.getEvaluation('checkout', '', 'configcat')).toMatchObject({
      provider: 'configcat',
      value: 'cc',
    })
    expect(store.getEvaluation('checkout', '')).toMatchObject({ provider: 'configcat', value: 'cc' })

    const routed = createFlagStore({
      vendors: { configcat, launchdarkly },
      routing: { flags: { banner: 'launchdarkly' } },
    })
    configcat.setFlag('banner', 'cc banner')
    launchdarkly.setFlag('banner', 'ld banner')
    routed.subscribe('banner', () => {})
    expect(routed.getEvaluation('banner', '').provider).toBe('launchdarkly')
    routed.setRouting({})
    expect(routed.getEvaluation('banner', '')).toMatchObject({ provider: 'configcat', value: 'cc banner' })
  })

  test('a key stays with the vendor that served it only while that vendor still has it', () => {
    const configcat = createStaticVendor('configcat', {})
    const launchdarkly = createStaticVendor('launchdarkly', { checkout: 'ld' })
    const store = createFlagStore({ vendors: { configcat, launchdarkly } })
    store.subscribe('checkout', () => {})
    expect(store.getEvaluation('checkout', '').provider).toBe('launchdarkly')
    configcat.setFlag('checkout', 'cc')
    expect(store.getEvaluation('checkout', '').provider).toBe('launchdarkly')
    launchdarkly.setFlag('checkout', undefined)
    expect(store.getEvaluation('checkout', '')).toMatchObject({ provider: 'configcat', value: 'cc' })
  })
})

describe('what the overlay lists', () => {
  test('every key each vendor knows, the snapshots read, and the user', () => {
    const store = createFlagStore({
      vendors: {
        configcat: createStaticVendor('configcat', { checkout: true, theme: 'dark' }),
        launchdarkly: createStaticVendor('launchdarkly', { banner: 'on' }),
      },
      user: { id: 'user-ada' },
    })
    expect(store.knownKeys()).toEqual([
      { key: 'checkout', provider: 'configcat' },
      { key: 'theme', provider: 'configcat' },
      { key: 'banner', provider: 'launchdarkly' },
    ])
    store.getEvaluation('checkout', false)
    store.getEvaluation('banner', '')
    expect(store.cachedEvaluations().map((evaluation) => `${evaluation.key} ${evaluation.value}`)).toEqual([
      'checkout true',
      'banner on',
    ])
    expect(store.user()).toEqual({ id: 'user-ada' })
    expect(
      createFlagStore({ vendors: { configcat: createStaticVendor('configcat', { a: 1 }) } }).knownKeys(),
    ).toEqual([{ key: 'a', provider: 'configcat' }])
  })

  test('a vendor still on its first load: its keys are listed once it has answered', () => {
    const configcat = createStaticVendor('configcat', {}, { status: 'loading' })
    const store = createFlagStore({ vendors: { configcat } })
    expect(store.knownKeys()).toEqual([])
    configcat.setFlag('checkout', true)
    configcat.setState({ status: 'ready' })
    expect(store.knownKeys()).toEqual([{ key: 'checkout', provider: 'configcat' }])
  })
})
