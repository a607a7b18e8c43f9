import {
  createFlagStore,
  FlagBridgeError,
  type FlagEvaluation,
  type FlagVendor,
  isSameEvaluation,
  type VendorEvaluation,
  type VendorState,
} from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

// A snapshot stays the same object until something a reader would see, or an exposure would
// carry, changes: then readers are told, once. A change nobody would see tells nobody.

/** A vendor whose answer for every key, and whose state, the test sets. */
function scriptedVendor(provider: 'configcat' | 'launchdarkly', answer: VendorEvaluation) {
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  let current = answer
  let state: VendorState = { status: 'ready' }
  const vendor: FlagVendor = {
    provider,
    evaluate: () => current,
    keys: () => ['checkout'],
    state: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    identify: async () => {},
  }
  return {
    vendor,
    answer(next: VendorEvaluation, nextState: VendorState = state) {
      current = next
      state = nextState
      for (const listener of [...listeners]) listener(['checkout'])
    },
  }
}

const served: VendorEvaluation = { value: 'blue', variationId: 'v1', reason: 'RULE', isDefault: false }

function watched(answer: VendorEvaluation = served) {
  const configcat = scriptedVendor('configcat', answer)
  const launchdarkly = scriptedVendor('launchdarkly', answer)
  const store = createFlagStore({
    vendors: { configcat: configcat.vendor, launchdarkly: launchdarkly.vendor },
    user: { id: 'user-ada' },
  })
  let heard = 0
  store.subscribe('checkout', () => heard++)
  const snapshot = () => store.getEvaluation('checkout', '')
  /** Whether the last step gave readers a new snapshot, and how often they were told so far. */
  let last = snapshot()
  const step = (change: () => void) => {
    change()
    const next = snapshot()
    const changed = next !== last
    last = next
    return { changed, heard, snapshot: next }
  }
  return { store, configcat, step }
}

describe('snapshots change with what readers see and exposures carry, one field at a time', () => {
  test('the served value, its variation, its reason', () => {
    const { configcat, step } = watched()
    expect(step(() => configcat.answer({ ...served })).changed).toBe(false)
    expect(step(() => configcat.answer({ ...served, variationId: 'v2' }))).toMatchObject({
      changed: true,
      heard: 1,
      snapshot: { value: 'blue', variationId: 'v2' },
    })
    expect(
      step(() => configcat.answer({ ...served, variationId: 'v2', reason: 'FALLTHROUGH' })),
    ).toMatchObject({
      changed: true,
      heard: 2,
      snapshot: { reason: 'FALLTHROUGH' },
    })
    expect(
      step(() => configcat.answer({ ...served, value: 'green', variationId: 'v2', reason: 'FALLTHROUGH' })),
    ).toMatchObject({ changed: true, heard: 3, snapshot: { value: 'green' } })
  })

  test('served or default, with the same value', () => {
    const { configcat, step } = watched({ value: '', isDefault: false })
    expect(step(() => configcat.answer({ value: undefined, isDefault: true }))).toMatchObject({
      changed: true,
      heard: 1,
      snapshot: { value: '', isDefault: true, error: undefined, loading: false },
    })
  })

  test('the error, and whether it is still loading', () => {
    const { configcat, step } = watched({ value: undefined, isDefault: true })
    const failed = (message: string) =>
      configcat.answer({
        value: undefined,
        isDefault: true,
        error: new FlagBridgeError('VENDOR_ERROR', message),
      })
    expect(step(() => failed('first'))).toMatchObject({ changed: true, heard: 1 })
    expect(step(() => failed('first')).changed).toBe(false)
    expect(step(() => failed('second'))).toMatchObject({
      changed: true,
      heard: 2,
      snapshot: { error: { message: '[flagbridge] second' } },
    })
    configcat.answer({ value: undefined, isDefault: true })
    expect(step(() => configcat.answer({ value: undefined, isDefault: true, loading: true }))).toMatchObject({
      changed: true,
      snapshot: { loading: true, isDefault: true, error: undefined },
    })
  })

  test('the vendor that serves it, the user it is for, and an override of the same value', () => {
    const { store, step } = watched({ value: 'blue', isDefault: false })
    expect(step(() => store.setRouting({ flags: { checkout: 'launchdarkly' } }))).toMatchObject({
      changed: true,
      heard: 1,
      snapshot: { provider: 'launchdarkly', value: 'blue' },
    })
    expect(step(() => store.setUser({ id: 'user-bob' }))).toMatchObject({
      changed: true,
      heard: 2,
      snapshot: { user: 'user-bob', value: 'blue' },
    })
    expect(
      step(() => store.setOverride({ provider: undefined, key: 'checkout', value: 'blue' })),
    ).toMatchObject({
      changed: true,
      heard: 3,
      snapshot: { overridden: true, value: 'blue' },
    })
  })
})

test('isSameEvaluation tells two keys apart', () => {
  const a: FlagEvaluation<unknown> = {
    key: 'a',
    value: true,
    variationId: undefined,
    reason: undefined,
    provider: 'configcat',
    user: null,
    isDefault: false,
    error: undefined,
    overridden: false,
    loading: false,
  }
  expect(isSameEvaluation(a, { ...a })).toBe(true)
  expect(isSameEvaluation(a, { ...a, key: 'b' })).toBe(false)
  expect(isSameEvaluation(a, { ...a, value: false })).toBe(false)
})
