import {
  createEventPropertyBudget,
  createExposureTracker,
  createHeapDestination,
  type Exposure,
} from '@flagbridge/core'
import { afterEach, describe, expect, test } from 'vitest'
import { installHeapSnippet } from './heapStandIn'

// The Heap event-property budget at its edges: a flag that exactly fits, flags that exactly fill
// it, and a flag changing value, measured against what the Heap stand-in really holds.

afterEach(() => {
  delete (globalThis as { heap?: unknown }).heap
})

const encoded = (props: object) => encodeURIComponent(JSON.stringify(props)).length

function exposure(key: string, value: string): Exposure {
  return { key, value, variationId: undefined, provider: 'launchdarkly', user: undefined, overridden: false }
}

describe('Heap event-property budget boundaries', () => {
  test('a flag exactly as large as the budget is kept', () => {
    const budget = createEventPropertyBudget(encoded({ checkout: 'blue' }))
    expect(budget.set('checkout', 'blue')).toStrictEqual({ add: { checkout: 'blue' }, remove: [] })
    expect(budget.size()).toBe(encoded({ checkout: 'blue' }))
  })

  test('flags exactly filling the budget are all kept; one byte more evicts the oldest', () => {
    const full = encoded({ a: 'x', b: 'y' })
    const exact = createEventPropertyBudget(full)
    exact.set('a', 'x')
    expect(exact.set('b', 'y')).toStrictEqual({ add: { b: 'y' }, remove: [] })
    expect(exact.keys()).toEqual(['a', 'b'])
    const short = createEventPropertyBudget(full - 1)
    short.set('a', 'x')
    expect(short.set('b', 'y')).toStrictEqual({ add: { b: 'y' }, remove: ['a'] })
  })

  test('a flag changing value: the measure stays exactly what Heap holds', () => {
    const heap = installHeapSnippet()
    heap.load()
    const destination = createHeapDestination({ storage: null })
    const tracker = createExposureTracker({ destinations: [destination], dedupe: 'page' })
    tracker.record(exposure('checkout', 'blue'))
    tracker.record(exposure('checkout', 'green'))
    expect(heap.eventProperties).toEqual({ checkout: 'green' })
    expect(destination.eventPropertySize()).toBe(heap.encodedEventPropertySize())
    tracker.record(exposure('banner', 'on'))
    tracker.record(exposure('checkout', 'red'))
    expect(destination.eventPropertySize()).toBe(heap.encodedEventPropertySize())
  })
})
