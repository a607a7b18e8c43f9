import {
  createEventPropertyBudget,
  createExposureTracker,
  createHeapDestination,
  type Exposure,
} from '@flagbridge/core'
import { afterEach, describe, expect, test } from 'vitest'
import { installHeapSnippet } from './heapStandIn'

afterEach(() => {
  delete (globalThis as { heap?: unknown }).heap
})

const encoded = (props: object) => encodeURIComponent(JSON.stringify(props)).length

describe('Heap event-property budget', () => {
  test('500 flags with long values never push what Heap holds past the budget; the most recent survive', () => {
    const heap = installHeapSnippet()
    heap.load()
    const destination = createHeapDestination({ maxValueLength: 1_000 })
    const tracker = createExposureTracker({ destinations: [destination], dedupe: 'page' })
    tracker.identify({ id: 'user-1' })
    for (let index = 0; index < 500; index++) {
      const exposure: Exposure = {
        key: `flag-${index}-é`,
        value: `value ${index} ${'ü€'.repeat(40)} ${'x'.repeat(index % 200)}`,
        variationId: undefined,
        provider: 'launchdarkly',
        user: { id: 'user-1' },
        overridden: false,
      }
      tracker.record(exposure)
      // After every single exposure, measured over what the Heap stand-in holds now.
      expect(heap.encodedEventPropertySize()).toBeLessThanOrEqual(3_000)
      expect(destination.eventPropertySize()).toBe(heap.encodedEventPropertySize())
    }
    const held = Object.keys(heap.eventProperties)
    expect(held.length).toBeGreaterThan(3)
    expect(held.at(-1)).toBe('flag-499-é')
    // What survives is a contiguous run of the most recent flags.
    const first = Number(held[0]!.split('-')[1])
    expect(held).toStrictEqual(Array.from({ length: 500 - first }, (_, offset) => `flag-${first + offset}-é`))
  })

  test('a single flag larger than the budget is not added, and replaces nothing', () => {
    const budget = createEventPropertyBudget(100)
    expect(budget.set('small', 'ok')).toStrictEqual({ add: { small: 'ok' }, remove: [] })
    expect(budget.set('huge', 'x'.repeat(200))).toStrictEqual({ add: undefined, remove: [], tooLarge: true })
    expect(budget.keys()).toStrictEqual(['small'])
    expect(budget.set('small', 'ok')).toStrictEqual({ add: undefined, remove: [] })
  })

  test('size() equals encodeURIComponent(JSON.stringify(props)).length for random keys and values, unicode included', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      '%',
      '&',
      'é',
      'ß',
      '€',
      '日本',
      '😀',
      '\n',
      '\u0001',
      '{',
      ':',
      ',',
    ]
    let seed = 42
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const text = (max: number) =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('')
    const budget = createEventPropertyBudget(2_000)
    const mirror: Record<string, string | number | boolean> = {}
    for (let step = 0; step < 2_000; step++) {
      const key = text(12)
      const kind = random()
      const value = kind < 0.6 ? text(60) : kind < 0.8 ? Math.round(random() * 1e6) / 100 : random() < 0.5
      const { add, remove } = budget.set(key, value)
      for (const name of remove) delete mirror[name]
      if (add) Object.assign(mirror, add)
      expect(budget.size()).toBe(encoded(mirror))
      expect(budget.size()).toBeLessThanOrEqual(2_000)
      expect(budget.keys().sort()).toStrictEqual(Object.keys(mirror).sort())
    }
  })
})
