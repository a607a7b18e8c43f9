import {
  type AnalyticsDestination,
  createExperimentViewedProperties,
  createExposureTracker,
  createFlagBridge,
  createHeapTrack,
  createSegmentTrack,
  createStaticVendor,
  type Exposure,
  exposedValue,
  FlagBridgeError,
  type FlagEvaluation,
  type FlagValue,
  toExposure,
  toHeapScalar,
  valueToText,
} from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

// The pure functions between a shown flag and the payloads: which evaluations are exposures,
// the value analytics receive, and what counts as the same exposure twice.

function evaluation(fields: Partial<FlagEvaluation<unknown>>): FlagEvaluation<unknown> {
  return {
    key: 'checkout',
    value: 'blue',
    variationId: 'v-blue',
    reason: 'RULE_MATCH',
    provider: 'configcat',
    user: 'user-ada',
    isDefault: false,
    error: undefined,
    overridden: false,
    loading: false,
    ...fields,
  }
}

function exposure(value: FlagValue, variationId?: string): Exposure {
  return {
    key: 'checkout',
    value,
    variationId,
    provider: 'launchdarkly',
    user: { id: 'user-ada' },
    overridden: false,
  }
}

describe('which evaluations are exposures', () => {
  const ada = { id: 'user-ada' }

  test('a served value is one, carrying the user it was shown to', () => {
    expect(toExposure(evaluation({}), ada)).toStrictEqual({
      key: 'checkout',
      value: 'blue',
      variationId: 'v-blue',
      provider: 'configcat',
      user: ada,
      overridden: false,
    })
  })

  test('loading, failed, vendor-less and default values are not', () => {
    for (const fields of [
      { loading: true },
      { error: new FlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not evaluate "checkout"') },
      { provider: undefined },
      { isDefault: true },
      { loading: true, isDefault: true },
    ]) {
      expect(toExposure(evaluation(fields), ada)).toBeUndefined()
    }
  })

  test('an override is one (the tracker decides whether to send it), even of the default', () => {
    expect(toExposure(evaluation({ overridden: true, variationId: undefined }), ada)).toMatchObject({
      overridden: true,
      value: 'blue',
    })
    expect(toExposure(evaluation({ overridden: true, isDefault: true }), ada)).toMatchObject({
      overridden: true,
    })
  })
})

describe('the value analytics receive', () => {
  test('scalars and null as they are; text and JSON up to maxValueLength as they are', () => {
    const fits = 'x'.repeat(100)
    const list = ['a', 'b']
    const object = { columns: 3 }
    for (const value of [true, false, 0, 42.5, null, '', fits, list, object] as FlagValue[]) {
      expect(exposedValue(exposure(value, 'v1'))).toBe(value)
    }
  })

  test('longer text and JSON become the variation id, or the text cut at maxValueLength without one', () => {
    const long = 'x'.repeat(101)
    expect(exposedValue(exposure(long, 'v7'))).toBe('v7')
    expect(exposedValue(exposure(long))).toBe('x'.repeat(100))
    const json = { text: 'y'.repeat(100) }
    expect(exposedValue(exposure(json, 'v8'))).toBe('v8')
    expect(exposedValue(exposure(json))).toBe(JSON.stringify(json).slice(0, 100))
    expect(exposedValue(exposure('abcdef'), 3)).toBe('abc')
  })

  test('Heap gets scalars: JSON values and null as text', () => {
    expect([true, 3, 'blue', null, ['a'], { a: 1 }].map((value) => toHeapScalar(value as FlagValue))).toEqual(
      [true, 3, 'blue', 'null', '["a"]', '{"a":1}'],
    )
  })

  test('text forms: strings as they are, everything else as JSON, never a throw', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect([valueToText('a"b'), valueToText(1), valueToText(null), valueToText({ a: [1] })]).toEqual([
      'a"b',
      '1',
      'null',
      '{"a":[1]}',
    ])
    expect([valueToText(undefined), valueToText(10n), valueToText(cyclic)]).toEqual([
      'undefined',
      '10',
      '[object Object]',
    ])
  })
})

describe('the payloads', () => {
  test('without a variation id, neither Segment nor Heap gets a variation_id property at all', () => {
    const withoutVariation: Exposure = { ...exposure('blue'), user: undefined }
    expect(createSegmentTrack(withoutVariation).properties).toStrictEqual({
      feature_flag_key: 'checkout',
      value: 'blue',
      flag_provider: 'launchdarkly',
    })
    expect(createHeapTrack(withoutVariation)).toStrictEqual({
      event: 'Feature Flag Evaluated',
      properties: { feature_flag_key: 'checkout', value: 'blue', flag_provider: 'launchdarkly' },
    })
    expect(createHeapTrack({ ...withoutVariation, value: { a: 1 }, variationId: '2' })).toStrictEqual({
      event: 'Feature Flag Evaluated',
      properties: {
        feature_flag_key: 'checkout',
        value: '{"a":1}',
        variation_id: '2',
        flag_provider: 'launchdarkly',
      },
    })
  })
})

describe('an override sent with tracking.trackOverrides', () => {
  test('says so in every payload (Segment, Heap, Experiment Viewed); a served value never carries the mark', () => {
    const overridden: Exposure = { ...exposure(true, undefined), user: undefined, overridden: true }
    expect(createSegmentTrack(overridden).properties).toStrictEqual({
      feature_flag_key: 'checkout',
      value: true,
      flag_provider: 'launchdarkly',
      overridden: true,
    })
    expect(createHeapTrack(overridden).properties).toStrictEqual({
      feature_flag_key: 'checkout',
      value: true,
      flag_provider: 'launchdarkly',
      overridden: true,
    })
    expect(createExperimentViewedProperties(overridden)).toStrictEqual({
      experiment_id: 'checkout',
      experiment_name: 'checkout',
      variation_id: 'true',
      variation_name: 'true',
      overridden: 'true',
    })
    const served: Exposure = { ...overridden, overridden: false }
    expect('overridden' in createSegmentTrack(served).properties).toBe(false)
    expect('overridden' in createHeapTrack(served).properties).toBe(false)
    expect('overridden' in createExperimentViewedProperties(served)).toBe(false)
  })
})

describe('the same exposure twice', () => {
  const sentTo = (sent: string[]): AnalyticsDestination => ({
    name: 'recorder',
    state: () => ({ status: 'ready' }),
    subscribe: () => () => {},
    describe: (call) => ({ name: call.kind, payload: undefined }),
    send: (call) => {
      if (call.kind === 'track') sent.push(`${call.exposure.value} ${call.exposure.variationId ?? '-'}`)
    },
  })

  test('two variations serving the same value are two exposures; without variation ids, values tell them apart', () => {
    const sent: string[] = []
    const tracker = createExposureTracker({ destinations: [sentTo(sent)], dedupe: 'page' })
    tracker.identify({ id: 'user-ada' })
    for (const [value, variationId] of [
      ['blue', '0'],
      ['blue', '2'],
      ['blue', '0'],
      ['blue', undefined],
      ['green', undefined],
      ['blue', undefined],
      // A variation id that reads like a value is still a variation id.
      ['0', undefined],
    ] as const) {
      tracker.record(exposure(value, variationId))
    }
    expect(sent).toEqual(['blue 0', 'blue 2', 'blue -', 'green -', '0 -'])
  })

  test('the vendor’s own analytics hear of a shown flag once per user', () => {
    const exposed: string[] = []
    const vendor = {
      ...createStaticVendor('configcat', { checkout: { value: 'blue', variationId: 'v1' } }),
      expose: (key: string) => void exposed.push(key),
    }
    const bridge = createFlagBridge({ vendors: { configcat: vendor }, user: { id: 'user-ada' } })
    const show = () => bridge.recordExposure(bridge.store.getEvaluation('checkout', ''))
    show()
    show()
    void bridge.identify({ id: 'user-bob' })
    show()
    show()
    expect(exposed).toEqual(['checkout', 'checkout'])
    bridge.dispose()
  })
})
