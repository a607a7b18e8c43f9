import {
  createFlagStore,
  createStaticVendor,
  FlagBridgeError,
  type FlagVendor,
  type VendorEvaluation,
  type VendorState,
} from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

// How one flag is evaluated, as a component reads it from the store: the value shown, whether it
// is the vendor's, whether it is still loading, and the error (with a message that says why).

/** A ConfigCat-slot vendor answering every key with `answer`, in `state`. */
function answering(
  answer: VendorEvaluation | (() => VendorEvaluation),
  state: VendorState = { status: 'ready' },
) {
  const vendor: FlagVendor = {
    provider: 'configcat',
    evaluate: () => (typeof answer === 'function' ? answer() : answer),
    keys: () => ['checkout'],
    state: () => state,
    subscribe: () => () => {},
    identify: async () => {},
  }
  return createFlagStore({ vendors: { configcat: vendor }, user: { id: 'user-ada' } })
}

const shownState = (evaluation: { value: unknown; isDefault: boolean; loading: boolean; error?: Error }) => ({
  value: evaluation.value,
  isDefault: evaluation.isDefault,
  loading: evaluation.loading,
  error: evaluation.error?.message,
})

describe('keys and defaults no flag can have', () => {
  test('a key that is not a non-empty string: the default, not loading, and the key as given in the message', () => {
    const store = answering({ value: 'blue', isDefault: false })
    for (const [key, got] of [
      ['', '""'],
      [42, '42'],
      [undefined, 'undefined'],
      [{ a: 1 }, '{"a":1}'],
    ] as const) {
      expect(store.getEvaluation(key as never, 'default')).toMatchObject({
        value: 'default',
        provider: undefined,
        isDefault: true,
        loading: false,
        error: {
          code: 'INVALID_FLAG_KEY',
          message: `[flagbridge] Flag keys must be non-empty strings, got ${got}.`,
        },
      })
    }
  })

  test('a default no flag can serve is shown as is, and the message names it', () => {
    const store = answering({ value: 'blue', isDefault: false })
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const message = (what: string) =>
      `[flagbridge] The default for "checkout" is ${what}: pass a boolean, string, finite number, null or JSON without cycles. It is shown as is.`
    expect(store.getEvaluation('checkout', Number.NaN)).toMatchObject({
      value: Number.NaN,
      loading: false,
      error: { code: 'INVALID_DEFAULT_VALUE', message: message('NaN') },
    })
    expect(store.getEvaluation('checkout', cyclic).error?.message).toBe(
      message('an object JSON cannot write'),
    )
    expect(store.getEvaluation('checkout', 10n).error?.message).toBe(message('10'))
    // null is a fine default.
    expect(store.getEvaluation('checkout', null)).toMatchObject({ value: 'blue', error: undefined })
  })
})

describe('where the value comes from', () => {
  test('an override is a local value: not the default, not loading, no variation', () => {
    const store = answering({ value: 'blue', variationId: 'v1', isDefault: false })
    store.setOverride({ provider: undefined, key: 'checkout', value: 'green' })
    expect(store.getEvaluation('checkout', '')).toMatchObject({
      value: 'green',
      variationId: undefined,
      isDefault: false,
      overridden: true,
      loading: false,
      error: undefined,
    })
  })

  test('no vendor for the key: NO_VENDOR, naming the vendor asked for when there is one', () => {
    const store = createFlagStore({ vendors: { configcat: createStaticVendor('configcat', {}) } })
    expect(store.getEvaluation('checkout', false, 'launchdarkly')).toMatchObject({
      value: false,
      isDefault: true,
      error: {
        code: 'NO_VENDOR',
        message:
          '[flagbridge] No flag vendor for launchdarkly: "checkout" serves its default. Give <FlagBridgeProvider> configcat or launchdarkly.',
      },
    })
    expect(createFlagStore().getEvaluation('checkout', false).error?.message).toBe(
      '[flagbridge] No flag vendor: "checkout" serves its default. Give <FlagBridgeProvider> configcat or launchdarkly.',
    )
  })

  test('a vendor that throws: the default with VENDOR_ERROR naming the vendor and the key', () => {
    const store = answering(() => {
      throw new Error('boom')
    })
    expect(store.getEvaluation('checkout', 'default')).toMatchObject({
      value: 'default',
      isDefault: true,
      loading: false,
      error: { code: 'VENDOR_ERROR', message: '[flagbridge] configcat could not evaluate "checkout": boom' },
    })
  })

  test('the server render: bootstrapped values are served and not loading; the rest waits for the client', () => {
    const vendor: FlagVendor = {
      ...createStaticVendor('launchdarkly', {}),
      serverEvaluate: (key) =>
        key === 'checkout'
          ? { value: 'blue', variationId: '1', isDefault: false }
          : { value: undefined, isDefault: true },
    }
    const store = createFlagStore({ vendors: { launchdarkly: vendor } })
    expect(store.getServerEvaluation('checkout', '', 'launchdarkly')).toMatchObject({
      value: 'blue',
      variationId: '1',
      isDefault: false,
      loading: false,
    })
    expect(store.getServerEvaluation('other', '', 'launchdarkly')).toMatchObject({
      value: '',
      isDefault: true,
      loading: true,
    })
  })
})

describe('not served', () => {
  test('a vendor answer marked default is the default, even when it carries a value; a served undefined too', () => {
    expect(
      shownState(answering({ value: 'vendor default', isDefault: true }).getEvaluation('checkout', 'mine')),
    ).toEqual({ value: 'mine', isDefault: true, loading: false, error: undefined })
    expect(
      shownState(answering({ value: undefined, isDefault: false }).getEvaluation('checkout', 'mine')),
    ).toEqual({
      value: 'mine',
      isDefault: true,
      loading: false,
      error: undefined,
    })
  })

  test('the error is the answer’s own, else the vendor’s when it is in error; an error is never loading', () => {
    const vendorError = new FlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not load flags')
    const ownError = new FlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not switch users')
    const notServed = { value: undefined, isDefault: true }
    expect(
      shownState(answering(notServed, { status: 'error', error: vendorError }).getEvaluation('checkout', '')),
    ).toEqual({ value: '', isDefault: true, loading: false, error: vendorError.message })
    expect(
      shownState(
        answering({ ...notServed, error: ownError }, { status: 'error', error: vendorError }).getEvaluation(
          'checkout',
          '',
        ),
      ),
    ).toEqual({ value: '', isDefault: true, loading: false, error: ownError.message })
    expect(
      shownState(
        answering({ ...notServed, error: ownError, loading: true }, { status: 'loading' }).getEvaluation(
          'checkout',
          '',
        ),
      ),
    ).toEqual({ value: '', isDefault: true, loading: false, error: ownError.message })
    // A vendor loading again after an error (LaunchDarkly identifying) still carries the old error: it is loading, not failed.
    expect(
      shownState(
        answering(notServed, { status: 'loading', error: vendorError }).getEvaluation('checkout', ''),
      ),
    ).toEqual({ value: '', isDefault: true, loading: true, error: undefined })
    expect(shownState(answering(notServed, { status: 'ready' }).getEvaluation('checkout', ''))).toEqual({
      value: '',
      isDefault: true,
      loading: false,
      error: undefined,
    })
  })

  test('loading: as the answer says, else as the vendor’s state says', () => {
    const notServed = { value: undefined, isDefault: true }
    expect(answering(notServed, { status: 'loading' }).getEvaluation('checkout', '').loading).toBe(true)
    expect(
      answering({ ...notServed, loading: false }, { status: 'loading' }).getEvaluation('checkout', '')
        .loading,
    ).toBe(false)
    expect(
      answering({ ...notServed, loading: true }, { status: 'ready' }).getEvaluation('checkout', '').loading,
    ).toBe(true)
  })

  test('a value served while the vendor is loading again (identifying) is shown, marked loading', () => {
    const served = { value: 'blue', variationId: 'v1', isDefault: false }
    expect(answering(served, { status: 'loading' }).getEvaluation('checkout', '')).toMatchObject({
      value: 'blue',
      isDefault: false,
      loading: true,
    })
    expect(answering(served, { status: 'ready' }).getEvaluation('checkout', '').loading).toBe(false)
  })
})

describe('TYPE_MISMATCH names both kinds', () => {
  test('null, lists and objects are kinds of their own', () => {
    const mismatch = (value: unknown, defaultValue: unknown) =>
      answering({ value: value as never, variationId: 'v3', isDefault: false }).getEvaluation(
        'checkout',
        defaultValue,
      )
    expect(mismatch(null, 'text')).toMatchObject({
      value: 'text',
      variationId: 'v3',
      isDefault: true,
      error: {
        code: 'TYPE_MISMATCH',
        message:
          '[flagbridge] "checkout" is a null flag in configcat but the default is a string: the default is served.',
      },
    })
    expect(mismatch({ a: 1 }, []).error?.message).toBe(
      '[flagbridge] "checkout" is a object flag in configcat but the default is a array: the default is served.',
    )
    expect(mismatch([1], {}).error?.message).toBe(
      '[flagbridge] "checkout" is a array flag in configcat but the default is a object: the default is served.',
    )
  })
})
