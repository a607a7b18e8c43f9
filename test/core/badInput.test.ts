import {
  type AnalyticsDestination,
  createExposureTracker,
  createFlagBridge,
  createFlagStore,
  createSegmentDestination,
  type FlagBridgeError,
  type FlagVendor,
  normalizeUser,
} from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

function vendorWith(flags: Record<string, { value: unknown; variationId?: string }>): FlagVendor {
  return {
    provider: 'configcat',
    evaluate: (key) =>
      flags[key]
        ? { value: flags[key]!.value as never, variationId: flags[key]!.variationId, isDefault: false }
        : { value: undefined, isDefault: true },
    keys: () => Object.keys(flags),
    state: () => ({ status: 'ready' }),
    subscribe: () => () => {},
    identify: async () => {},
  }
}

const boom = () => {
  throw new Error('boom')
}

describe('bad flag keys and defaults', () => {
  test('empty and non-string keys serve the default with INVALID_FLAG_KEY', () => {
    const store = createFlagStore({ vendors: { configcat: vendorWith({ a: { value: true } }) } })
    for (const key of ['', 42, undefined, null, {}] as unknown[]) {
      const evaluation = store.getEvaluation(key as string, false)
      expect(evaluation.value).toBe(false)
      expect(evaluation.isDefault).toBe(true)
      expect(evaluation.error).toMatchObject({ name: 'FlagBridgeError', code: 'INVALID_FLAG_KEY' })
    }
  })

  test('NaN, function, symbol defaults serve the default with INVALID_DEFAULT_VALUE', () => {
    const store = createFlagStore({ vendors: { configcat: vendorWith({ n: { value: 3 } }) } })
    for (const defaultValue of [Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol('x')]) {
      const evaluation = store.getEvaluation('n', defaultValue)
      expect(evaluation.value).toBe(defaultValue)
      expect(evaluation.error).toMatchObject({ code: 'INVALID_DEFAULT_VALUE' })
      // Same object on the next read: no render loop.
      expect(store.getEvaluation('n', defaultValue)).toBe(evaluation)
    }
  })

  test('an undefined default serves the vendor value unchecked (documented fallback)', () => {
    const store = createFlagStore({ vendors: { configcat: vendorWith({ n: { value: 3 } }) } })
    expect(store.getEvaluation('n', undefined)).toMatchObject({
      value: 3,
      error: undefined,
      isDefault: false,
    })
    expect(store.getEvaluation('missing', undefined)).toMatchObject({ value: undefined, isDefault: true })
  })

  test('a 1 MB flag value goes out as its variation id', () => {
    const tracks: unknown[] = []
    const analytics = { track: (...args: unknown[]) => void tracks.push(args), identify() {}, reset() {} }
    const bridge = createFlagBridge({
      vendors: { configcat: vendorWith({ big: { value: 'x'.repeat(1_000_000), variationId: 'var-big' } }) },
      destinations: [createSegmentDestination(analytics)],
      tracking: { dedupe: 'page' },
    })
    bridge.recordExposure(bridge.store.getEvaluation('big', ''))
    expect(tracks).toStrictEqual([
      [
        'Feature Flag Evaluated',
        { feature_flag_key: 'big', value: 'var-big', variation_id: 'var-big', flag_provider: 'configcat' },
        { context: { integration: { name: 'configcat', version: '1.0.0' } } },
      ],
    ])
  })
})

describe('bad users', () => {
  test('cycles, functions, nested objects and 1 MB strings are cleaned with warnings, never thrown', () => {
    const attributes: Record<string, unknown> = {
      plan: 'pro',
      fn: () => 1,
      nested: { a: 1 },
      big: 'y'.repeat(1_000_000),
    }
    attributes.self = attributes
    const user: Record<string, unknown> = { id: 'u1', email: 'e'.repeat(1_000_000), attributes, name: 42 }
    user.me = user
    const { user: clean, warnings } = normalizeUser(user)
    expect(clean).toStrictEqual({
      id: 'u1',
      email: 'e'.repeat(1024),
      attributes: { plan: 'pro', big: 'y'.repeat(1024) },
    })
    expect(warnings).toHaveLength(4)
  })

  test('a user without an id is INVALID_USER; the bridge reports it and goes anonymous', async () => {
    expect(() => normalizeUser({ email: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_USER' }))
    expect(() => normalizeUser('user-1')).toThrow(expect.objectContaining({ code: 'INVALID_USER' }))
    const errors: FlagBridgeError[] = []
    const bridge = createFlagBridge({ onError: (error) => errors.push(error) })
    await bridge.identify({ email: 'x' } as never)
    expect(bridge.user()).toBeUndefined()
    expect(errors.map((error) => error.code)).toStrictEqual(['INVALID_USER'])
  })
})

describe('components that throw on every call', () => {
  test('a destination whose every method throws: DESTINATION_ERROR through onError, nothing thrown', () => {
    const destination = {
      get name() {
        return 'broken'
      },
      state: boom,
      subscribe: boom,
      describe: boom,
      send: boom,
      dispose: boom,
    } as unknown as AnalyticsDestination
    const errors: FlagBridgeError[] = []
    expect(() => {
      const tracker = createExposureTracker({
        destinations: [destination],
        onError: (error) => errors.push(error),
      })
      tracker.identify({ id: 'u1' })
      tracker.record({
        key: 'a',
        value: true,
        variationId: '1',
        provider: 'configcat',
        user: { id: 'u1' },
        overridden: false,
      })
      tracker.setConsent(false)
      tracker.setConsent(true)
      tracker.flush()
      tracker.dispose()
    }).not.toThrow()
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error.code === 'DESTINATION_ERROR')).toBe(true)
  })

  test('a destination that is ready but whose send throws: failed, reported, may be retried', () => {
    const destination: AnalyticsDestination = {
      name: 'flaky',
      state: () => ({ status: 'ready' }),
      subscribe: () => () => {},
      describe: (call) => ({ name: call.kind, payload: undefined }),
      send: boom,
    }
    const errors: FlagBridgeError[] = []
    const tracker = createExposureTracker({
      destinations: [destination],
      dedupe: 'page',
      onError: (e) => errors.push(e),
    })
    const exposure = {
      key: 'a',
      value: true,
      variationId: '1',
      provider: 'configcat' as const,
      user: undefined,
      overridden: false,
    }
    tracker.record(exposure)
    tracker.record(exposure)
    expect(errors.map((error) => [error.code, error.message])).toStrictEqual([
      [
        'DESTINATION_ERROR',
        '[flagbridge] flaky Feature Flag Evaluated failed: boom'.replace('Feature Flag Evaluated', 'track'),
      ],
      ['DESTINATION_ERROR', '[flagbridge] flaky track failed: boom'],
    ])
  })

  test('a vendor whose every method throws: defaults with VENDOR_ERROR, identify reported, nothing thrown', async () => {
    const vendor = {
      provider: 'launchdarkly',
      evaluate: boom,
      keys: boom,
      state: boom,
      subscribe: boom,
      identify: boom,
      dispose: boom,
    } as unknown as FlagVendor
    const errors: FlagBridgeError[] = []
    let bridge!: ReturnType<typeof createFlagBridge>
    expect(() => {
      bridge = createFlagBridge({ vendors: { launchdarkly: vendor }, onError: (error) => errors.push(error) })
    }).not.toThrow()
    const evaluation = bridge.store.getEvaluation('x', 'fallback')
    expect(evaluation).toMatchObject({ value: 'fallback', isDefault: true, error: { code: 'VENDOR_ERROR' } })
    await expect(bridge.identify({ id: 'u1' })).resolves.toBeUndefined()
    expect(errors.some((error) => error.code === 'VENDOR_ERROR')).toBe(true)
    expect(() => bridge.dispose()).not.toThrow()
  })
})
