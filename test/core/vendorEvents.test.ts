import {
  type ConfigCatClientLike,
  createConfigCatVendor,
  createLaunchDarklyVendor,
  type LaunchDarklyClientLike,
} from '@flagbridge/core'
import { describe, expect, test } from 'vitest'

// How the vendor adapters attach to and detach from their SDK client's events, when the client
// refuses one of them or fails to let go: nothing stays attached, nothing throws.

type Handler = (...args: unknown[]) => void

/** The event half of an SDK client, recording what is attached; `refuse` makes `on(event)` throw. */
function eventClient({ refuse, offThrows = false }: { refuse?: string; offThrows?: boolean } = {}) {
  const attached = new Map<string, Handler>()
  return {
    attached,
    on(event: string, handler: Handler) {
      if (event === refuse) throw new Error(`cannot listen to ${event}`)
      attached.set(event, handler)
    },
    off(event: string, handler: Handler) {
      if (offThrows) throw new Error('cannot stop listening')
      if (attached.get(event) === handler) attached.delete(event)
    },
  }
}

function launchDarklyClient(events: ReturnType<typeof eventClient>): LaunchDarklyClientLike {
  return {
    ...events,
    variationDetail: () => ({
      value: null,
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
    }),
    allFlags: () => ({}),
    identify: async () => ({}),
    waitForInitialization: () => new Promise<void>(() => {}),
  }
}

function configCatClient(events: ReturnType<typeof eventClient>): ConfigCatClientLike {
  return {
    ...events,
    snapshot: () => ({ cacheState: 0, getAllKeys: () => [], getValueDetails: () => ({}) as never }),
    setDefaultUser() {},
    clearDefaultUser() {},
    waitForReady: () => new Promise(() => {}),
  }
}

describe('vendor adapters and their SDK client’s events', () => {
  test('LaunchDarkly: a client that refuses one event leaves nothing attached and reports VENDOR_ERROR', () => {
    const events = eventClient({ refuse: 'change' })
    const vendor = createLaunchDarklyVendor(launchDarklyClient(events))
    expect(() => vendor.subscribe(() => {})).not.toThrow()
    expect([...events.attached.keys()]).toEqual([])
    expect(vendor.state().status).toBe('error')
    expect(vendor.state().error?.code).toBe('VENDOR_ERROR')
    expect(vendor.state().error?.message).toContain('cannot listen to change')
  })

  test('LaunchDarkly: attaches initialized, failed and change once, and dispose removes them all', () => {
    const events = eventClient()
    const vendor = createLaunchDarklyVendor(launchDarklyClient(events))
    vendor.subscribe(() => {})
    vendor.subscribe(() => {})
    expect([...events.attached.keys()]).toEqual(['initialized', 'failed', 'change'])
    vendor.dispose?.()
    expect([...events.attached.keys()]).toEqual([])
  })

  test('ConfigCat: a client that refuses one event leaves nothing attached and keeps loading', () => {
    const events = eventClient({ refuse: 'clientError' })
    const vendor = createConfigCatVendor(configCatClient(events))
    expect(() => vendor.subscribe(() => {})).not.toThrow()
    expect([...events.attached.keys()]).toEqual([])
    expect(vendor.state().status).toBe('loading')
  })

  test('ConfigCat: the last unsubscribe detaches; a client whose off() throws is let go of quietly', () => {
    const events = eventClient()
    const vendor = createConfigCatVendor(configCatClient(events))
    const unsubscribe = vendor.subscribe(() => {})
    expect([...events.attached.keys()]).toEqual([
      'configChanged',
      'configFetched',
      'clientError',
      'flagEvaluated',
    ])
    unsubscribe()
    expect([...events.attached.keys()]).toEqual([])

    const stuck = eventClient({ offThrows: true })
    const other = createConfigCatVendor(configCatClient(stuck))
    other.subscribe(() => {})
    expect(() => other.dispose?.()).not.toThrow()
    expect(stuck.attached.size).toBe(4)
  })
})
