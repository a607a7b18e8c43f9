// @vitest-environment jsdom
import {
  createExposureTracker,
  createFlagBridge,
  createHeapDestination,
  createSegmentDestination,
  type FlagBridgeUser,
  isSameContext,
  isSameUser,
  normalizeUser,
  publicTraits,
  type SegmentAnalyticsLike,
  toLaunchDarklyContext,
} from '@flagbridge/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { clearBrowserState } from './browserState'
import { installHeapSnippet } from './heapStandIn'
import { loadCapturedSegment } from './segmentCapture'

// One user, described once, as each system receives it: the cleaned user, the traits analytics
// may see, LaunchDarkly's context, and when two descriptions are the same visitor.

afterEach(() => {
  // Each test is a new visit: no storage, cookies (Segment's ids) or window.heap left behind.
  clearBrowserState()
})

describe('normalizeUser', () => {
  test('no user is an anonymous visitor, without warnings', () => {
    expect(normalizeUser(undefined)).toEqual({ user: undefined, warnings: [] })
    expect(normalizeUser(null)).toEqual({ user: undefined, warnings: [] })
  })

  test('anything but an object is refused, saying what it got', () => {
    for (const [input, got] of [
      ['user-1', 'string'],
      [42, 'number'],
      [true, 'boolean'],
    ] as const) {
      expect(() => normalizeUser(input)).toThrow(
        expect.objectContaining({
          code: 'INVALID_USER',
          message: `[flagbridge] user must be an object like { id: 'user-1' } or undefined, got ${got}.`,
        }),
      )
    }
  })

  test('a numeric id becomes text; a missing or empty id is refused', () => {
    expect(normalizeUser({ id: 42 })).toEqual({ user: { id: '42' }, warnings: [] })
    for (const input of [{}, { id: '' }, { id: null }, { id: ['a'] }]) {
      expect(() => normalizeUser(input)).toThrow(
        expect.objectContaining({
          code: 'INVALID_USER',
          message:
            '[flagbridge] user.id must be a non-empty string. Pass user={undefined} for anonymous visitors.',
        }),
      )
    }
  })

  test('email, name and country: strings kept, empty ones skipped quietly, anything else ignored with a warning', () => {
    expect(normalizeUser({ id: 'u', email: 'ada@example.com', name: null, country: 7 })).toEqual({
      user: { id: 'u', email: 'ada@example.com' },
      warnings: ['user.country was ignored: use a string.'],
    })
  })

  test('attribute values: scalars and lists of scalars kept, the rest dropped with a warning each', () => {
    const { user, warnings } = normalizeUser({
      id: 'u',
      attributes: {
        plan: 'pro',
        beta: false,
        manager: null,
        seats: 3,
        tags: ['a', 1, true],
        nan: Number.NaN,
        infinite: Number.POSITIVE_INFINITY,
        mixed: ['a', { b: 1 }],
        nested: { a: 1 },
        missing: undefined,
      },
    })
    expect(user).toEqual({
      id: 'u',
      attributes: { plan: 'pro', beta: false, manager: null, seats: 3, tags: ['a', 1, true] },
    })
    expect(warnings).toEqual(
      ['nan', 'infinite', 'mixed', 'nested', 'missing'].map(
        (name) => `user.attributes.${name} was dropped: use a string, number, boolean or a list of those.`,
      ),
    )
  })

  test('attributes that are not a plain object are ignored with a warning; null is no attributes', () => {
    for (const attributes of [['a'], 'plan=pro', 3]) {
      expect(normalizeUser({ id: 'u', attributes })).toEqual({
        user: { id: 'u' },
        warnings: ['user.attributes was ignored: use a plain object.'],
      })
    }
    expect(normalizeUser({ id: 'u', attributes: null })).toEqual({ user: { id: 'u' }, warnings: [] })
  })

  test('text is cut at 1,024 characters: ids, fields and attributes', () => {
    const exactly = 'x'.repeat(1_024)
    const { user } = normalizeUser({
      id: `${exactly}y`,
      name: exactly,
      attributes: { long: `${exactly}z` },
    })
    expect(user).toEqual({ id: exactly, name: exactly, attributes: { long: exactly } })
  })

  test('privateAttributes: a list is copied, one name is a list of one, anything else makes everything private', () => {
    const names = ['email']
    const listed = normalizeUser({ id: 'u', email: 'e', privateAttributes: names }).user!
    names.push('name')
    expect(listed.privateAttributes).toEqual(['email'])
    expect(normalizeUser({ id: 'u', privateAttributes: 'email' })).toEqual({
      user: { id: 'u', privateAttributes: ['email'] },
      warnings: ['user.privateAttributes must be a list: "email" was read as ["email"].'],
    })
    expect(normalizeUser({ id: 'u', email: 'e', privateAttributes: null })).toEqual({
      user: { id: 'u', email: 'e' },
      warnings: [],
    })
    for (const privateAttributes of [['email', 3], { email: true }, 1]) {
      expect(
        normalizeUser({
          id: 'u',
          email: 'e',
          country: 'UK',
          attributes: { plan: 'pro' },
          privateAttributes,
        }),
      ).toEqual({
        user: {
          id: 'u',
          email: 'e',
          country: 'UK',
          attributes: { plan: 'pro' },
          privateAttributes: ['email', 'country', 'plan'],
        },
        warnings: [
          'user.privateAttributes must be a list of attribute names: every attribute was kept private instead.',
        ],
      })
    }
  })
})

describe('what analytics may see of a user', () => {
  const user: FlagBridgeUser = {
    id: 'user-ada',
    email: 'ada@example.com',
    name: 'Ada',
    country: 'UK',
    attributes: { plan: 'pro', address: 'London', 'a/b': 1, 'c~d': 2, 'team.lead': true, team: 'core' },
    privateAttributes: ['email', '/address/city', '/a~1b', '/c~0d', 'team.lead'],
  }

  test('private names, LaunchDarkly references and dotted names hide the whole attribute', () => {
    expect(publicTraits(user)).toEqual({ name: 'Ada', country: 'UK', plan: 'pro' })
    expect(publicTraits({ id: 'u', name: 'Ada', privateAttributes: ['name'] })).toEqual({})
    // A private name hides that name only (and, dotted, its top-level attribute), never a shorter one.
    expect(
      publicTraits({ id: 'u', attributes: { plan: 'pro', plans: ['a'] }, privateAttributes: ['plans'] }),
    ).toEqual({ plan: 'pro' })
    expect(publicTraits({ id: 'u' })).toEqual({})
  })

  test('the real analytics-next and heap.js receive exactly those traits', async () => {
    const heap = installHeapSnippet()
    heap.load()
    const segment = loadCapturedSegment()
    await segment.ready
    const tracker = createExposureTracker({
      destinations: [createSegmentDestination(segment.browser), createHeapDestination()],
      dedupe: 'page',
    })
    tracker.identify(user)
    await vi.waitFor(() => expect(tracker.stats.sent).toBe(2))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(segment.captured.map((event) => [event.type, event.userId, event.traits])).toEqual([
      ['identify', 'user-ada', { name: 'Ada', country: 'UK', plan: 'pro' }],
    ])
    expect(heap.calls.map((call) => [call.name, ...call.args])).toEqual([
      ['identify', 'user-ada'],
      ['addUserProperties', { name: 'Ada', country: 'UK', plan: 'pro' }],
    ])
  })
})

describe('the same visitor', () => {
  test('users are compared by value', () => {
    const ada: FlagBridgeUser = { id: 'user-ada', attributes: { plan: 'pro' } }
    expect(isSameUser(undefined, undefined)).toBe(true)
    expect(isSameUser(ada, ada)).toBe(true)
    expect(isSameUser(ada, { id: 'user-ada', attributes: { plan: 'pro' } })).toBe(true)
    expect(isSameUser(ada, { id: 'user-ada', attributes: { plan: 'free' } })).toBe(false)
    expect(isSameUser(ada, undefined)).toBe(false)
    expect(isSameUser(undefined, ada)).toBe(false)
  })

  test('a re-render with an equal user object tells the analytics tools nothing; new traits identify again', async () => {
    const calls: string[] = []
    const analytics: SegmentAnalyticsLike = {
      track: () => undefined,
      identify: (userId, traits) => void calls.push(`identify ${userId} ${JSON.stringify(traits)}`),
      reset: () => void calls.push('reset'),
    }
    const bridge = createFlagBridge({
      destinations: [createSegmentDestination(analytics)],
      user: { id: 'user-ada' },
    })
    await bridge.identify({ id: 'user-ada' })
    await bridge.identify({ id: 'user-ada', attributes: { plan: 'pro' } })
    await bridge.identify({ id: 'user-ada', attributes: { plan: 'pro' } })
    expect(calls).toEqual(['identify user-ada {}', 'identify user-ada {"plan":"pro"}'])
    bridge.dispose()
  })
})

describe('LaunchDarkly contexts', () => {
  test('the context LaunchDarkly evaluates for is the same when its attributes come in another order', () => {
    const wanted = toLaunchDarklyContext({
      id: 'user-ada',
      name: 'Ada',
      attributes: { plan: 'pro', seats: [1, 23], manager: null },
      privateAttributes: ['email'],
    })
    expect(
      isSameContext(wanted, {
        _meta: { privateAttributes: ['email'] },
        manager: null,
        seats: [1, 23],
        plan: 'pro',
        name: 'Ada',
        key: 'user-ada',
        kind: 'user',
        email: undefined,
      }),
    ).toBe(true)
  })

  test('any difference in a value, a list or a nested object is another context', () => {
    const wanted = toLaunchDarklyContext({
      id: 'user-ada',
      attributes: { seats: [1, 23] },
      privateAttributes: ['a'],
    })
    const actual = { kind: 'user', key: 'user-ada', seats: [1, 23], _meta: { privateAttributes: ['a'] } }
    expect(isSameContext(wanted, actual)).toBe(true)
    expect(isSameContext(wanted, { ...actual, key: 'user-bob' })).toBe(false)
    expect(isSameContext(wanted, { ...actual, seats: [12, 3] })).toBe(false)
    expect(isSameContext(wanted, { ...actual, seats: [23, 1] })).toBe(false)
    expect(isSameContext(wanted, { ...actual, seats: { 0: 1, 1: 23 } })).toBe(false)
    expect(isSameContext(wanted, { ...actual, _meta: { privateAttributes: ['b'] } })).toBe(false)
    expect(isSameContext(wanted, { ...actual, plan: 'pro' })).toBe(false)
  })

  test('an anonymous request matches any anonymous user context, whatever key LaunchDarkly generated', () => {
    const anonymous = toLaunchDarklyContext(undefined)
    expect(isSameContext(anonymous, { kind: 'user', anonymous: true, key: 'generated-1' })).toBe(true)
    expect(isSameContext(anonymous, { kind: 'user', key: 'user-ada' })).toBe(false)
    expect(isSameContext(anonymous, { kind: 'org', anonymous: true, key: 'generated-1' })).toBe(false)
  })
})
