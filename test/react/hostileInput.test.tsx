import { FlagBridgeProvider, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey, heapStandIn, launchDarklyAt } from './fixtures'

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, false)
  return <p data-testid={flag}>{String(value)}</p>
}

/** Everything that left for Segment and Heap, as text, to search for a secret. */
async function sentWith(user: unknown) {
  const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
  const segment = capturingSegment()
  const heap = heapStandIn()
  heap.load()
  const onError = vi.fn()
  render(
    <FlagBridgeProvider
      configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
      segment={{ analytics: segment.analytics }}
      heap={{ api: heap.api }}
      user={user as never}
      tracking={{ dedupe: 'page' }}
      onError={onError}
    >
      <Show flag="beta" />
    </FlagBridgeProvider>,
  )
  await waitFor(() => expect(segment.tracks()).toHaveLength(1))
  await waitFor(() => expect(heap.calls.filter(([name]) => name === 'track')).toHaveLength(1))
  const identify = segment.events.find((event) => event.type === 'identify')
  return {
    text: JSON.stringify([identify?.traits, segment.tracks()[0]!.properties, heap.calls]),
    traits: identify?.traits,
    heapUser: heap.calls.find(([name]) => name === 'addUserProperties')?.[1],
    codes: onError.mock.calls.map(([error]) => error.code),
  }
}

describe('private attributes never leave the browser, whatever shape they are given in', () => {
  it('1. a single name as a string is read as a list of one, and reported', async () => {
    const sent = await sentWith({
      id: 'u1',
      email: 'ada@example.com',
      attributes: { plan: 'pro' },
      privateAttributes: 'email',
    })
    expect(sent.text).not.toContain('ada@example.com')
    expect(sent.traits).toEqual({ plan: 'pro' })
    expect(sent.codes).toEqual(['INVALID_USER'])
  })

  it('1. anything else that is not a list of names keeps every attribute private', async () => {
    const sent = await sentWith({
      id: 'u1',
      email: 'ada@example.com',
      attributes: { plan: 'premium' },
      privateAttributes: { email: true },
    })
    expect(sent.text).not.toContain('ada@example.com')
    expect(sent.text).not.toContain('premium')
    expect(sent.traits).toEqual({})
    expect(sent.codes).toEqual(['INVALID_USER'])
  })

  it('2. LaunchDarkly attribute references: /secret, /address/city, address.city, ~1 escapes', async () => {
    const sent = await sentWith({
      id: 'u1',
      attributes: { secret: 's3cret', address: 'Main St 1', 'a/b': 'slashed', plan: 'pro' },
      privateAttributes: ['/secret', '/address/city', '/a~1b'],
    })
    for (const hidden of ['s3cret', 'Main St 1', 'slashed']) expect(sent.text).not.toContain(hidden)
    expect(sent.traits).toEqual({ plan: 'pro' })
    expect(sent.heapUser).toEqual({ plan: 'pro' })

    const dotted = await sentWith({
      id: 'u2',
      attributes: { address: 'Main St 2', plan: 'pro' },
      privateAttributes: ['address.city'],
    })
    expect(dotted.text).not.toContain('Main St 2')
  })
})

describe('options that are not what they say', () => {
  it("3. consent: 'false' is no consent (reported); nothing leaves until a boolean true arrives", async () => {
    const recorder = createEventRecorder()
    const onError = vi.fn()
    const view = (consent: unknown) => (
      <TestFlagBridgeProvider
        flags={{ beta: true }}
        user={{ id: 'u1' }}
        recorder={recorder}
        tracking={{ dedupe: 'page', consent: consent as boolean }}
        onError={onError}
      >
        <Show flag="beta" />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view('false'))
    rerender(view('yes'))
    expect(recorder.events).toEqual([])
    expect(onError.mock.calls.map(([error]) => [error.code, error.message])).toEqual([
      [
        'INVALID_OPTIONS',
        '[flagbridge] tracking.consent must be true or false, got "false": false is used instead.',
      ],
      [
        'INVALID_OPTIONS',
        '[flagbridge] tracking.consent must be true or false, got "yes": false is used instead.',
      ],
    ])
    rerender(view(true))
    expect(recorder.events.map((event) => event.type)).toEqual(['identify', 'track'])
  })

  it('10. maxQueueSize 0, -1 or NaN: the default (500) and INVALID_OPTIONS; a ready destination gets everything', () => {
    for (const maxQueueSize of [0, -1, Number.NaN]) {
      const recorder = createEventRecorder()
      const onError = vi.fn()
      const { unmount } = render(
        <TestFlagBridgeProvider
          flags={{ a: true, b: true }}
          recorder={recorder}
          tracking={{ dedupe: 'page', maxQueueSize }}
          onError={onError}
        >
          <Show flag="a" />
          <Show flag="b" />
        </TestFlagBridgeProvider>,
      )
      expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['a', 'b'])
      expect(onError.mock.calls.map(([error]) => error.message)).toEqual([
        `[flagbridge] tracking.maxQueueSize must be a whole number ≥ 1, got ${maxQueueSize}: 500 is used instead.`,
      ])
      unmount()
    }
  })

  it('a refused maxValueLength is not what the destinations use: the default (100) is, as reported', async () => {
    // ConfigCat setting type 1 is text: 'blue' (variation 'color-blue') is short enough to be sent as is.
    const configcat = configCatOffline({ color: { t: 1, v: { s: 'blue' }, i: 'color-blue' } })
    const segment = capturingSegment()
    const heap = heapStandIn()
    heap.load()
    const onError = vi.fn()
    function Color() {
      const { value } = useTrackedFlag('color', 'grey')
      return <p>{value}</p>
    }
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        heap={{ api: heap.api }}
        user={{ id: 'u1' }}
        tracking={{ dedupe: 'page', maxValueLength: -1 }}
        onError={onError}
      >
        <Color />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await waitFor(() => expect(heap.calls.filter(([name]) => name === 'track')).toHaveLength(1))
    // Settle: a late second event would show in the exact lists below.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(segment.tracks().map((event) => event.properties?.value)).toEqual(['blue'])
    expect(
      heap.calls
        .filter(([name]) => name === 'track')
        .map(([, , properties]) => (properties as { value?: unknown } | undefined)?.value),
    ).toEqual(['blue'])
    expect(onError.mock.calls.map(([error]) => error.message)).toEqual([
      '[flagbridge] tracking.maxValueLength must be a whole number ≥ 0, got -1: 100 is used instead.',
    ])
  })

  it("14. dedupe: 'bogus' and routing to no vendor are refused when given, not when a flag is read", () => {
    const onError = vi.fn()
    render(
      <TestFlagBridgeProvider
        flags={{ beta: true }}
        tracking={{ dedupe: 'bogus' as never }}
        routing={{ default: 'optimizely' as never, flags: { beta: 'statsig' as never } }}
        onError={onError}
      />,
    )
    expect(onError.mock.calls.map(([error]) => [error.code, error.message])).toEqual([
      [
        'INVALID_OPTIONS',
        `[flagbridge] tracking.dedupe must be 'session', 'page' or 'none', got "bogus": "session" is used instead.`,
      ],
      [
        'INVALID_OPTIONS',
        `[flagbridge] routing.default must be 'configcat' or 'launchdarkly', got "optimizely": undefined is used instead.`,
      ],
      [
        'INVALID_OPTIONS',
        `[flagbridge] routing.flags["beta"] must be 'configcat' or 'launchdarkly', got "statsig": undefined is used instead.`,
      ],
    ])
  })
})

describe('nothing is thrown into the app', () => {
  it('5. a circular default renders (reported as INVALID_DEFAULT_VALUE), no "Converting circular structure"', () => {
    const circular: Record<string, unknown> = { columns: 2 }
    circular.self = circular
    const onError = vi.fn()
    function Layout() {
      const { value, error } = useTrackedFlag('layout', circular as never)
      return (
        <p data-testid="layout">
          {value === circular ? 'default' : 'other'} {error?.code}
        </p>
      )
    }
    render(
      <TestFlagBridgeProvider flags={{ layout: { columns: 3 } }} onError={onError}>
        <Layout />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('layout').textContent).toBe('default INVALID_DEFAULT_VALUE')
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['INVALID_DEFAULT_VALUE'])
  })

  it('6. useTrackedFlag(key, default, null) uses the default options', () => {
    function Beta() {
      return <p data-testid="beta">{String(useTrackedFlag('beta', false, null).value)}</p>
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Beta />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('true')
  })

  it('7. setOverride with a bigint (trackOverrides on): refused with INVALID_OPTIONS, nothing thrown, nothing sent', () => {
    const recorder = createEventRecorder()
    const onError = vi.fn()
    let api: ReturnType<typeof useFlagBridge> | undefined
    function Grab() {
      api = useFlagBridge()
      return null
    }
    function Count() {
      const { value } = useTrackedFlag('new-checkout', 0)
      return <p data-testid="count">{String(value)}</p>
    }
    render(
      <TestFlagBridgeProvider
        flags={{ 'new-checkout': 1 }}
        recorder={recorder}
        tracking={{ dedupe: 'page', trackOverrides: true }}
        onError={onError}
      >
        <Grab />
        <Count />
      </TestFlagBridgeProvider>,
    )
    act(() => api!.setOverride('new-checkout', 10n as never))
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    act(() => api!.setOverride('new-checkout', cyclic as never))
    act(() => api!.setOverride('new-checkout', 2))
    expect(screen.getByTestId('count').textContent).toBe('2')
    expect(onError.mock.calls.map(([error]) => error.message)).toEqual([
      '[flagbridge] The override for "new-checkout" must be a boolean, text, a finite number, null or JSON without cycles, got 10n: it was not applied.',
      '[flagbridge] The override for "new-checkout" must be a boolean, text, a finite number, null or JSON without cycles, got an object: it was not applied.',
    ])
    expect(recorder.tracks().map((event) => event.properties.value)).toEqual([1, 2])
  })
})

describe('9. sibling providers with one LaunchDarkly client-side ID and different users', () => {
  it('each gets its own client: A shows and sends A’s variation as A, B shows B’s as B', async () => {
    const { startVendorServer } = await import('./vendorServer')
    const server = await startVendorServer()
    try {
      server.setLaunchDarkly((key) => ({
        checkout:
          key === 'user-b' ? { value: 'B-variant', variation: 1 } : { value: 'A-variant', variation: 0 },
      }))
      const options = {
        ...launchDarklyAt(server.baseUrl),
      }
      // One Segment-like recorder per provider (two analytics-next instances would share one cookie).
      const sentTo = (calls: string[]) => ({
        track: (_event: string, properties: { value: string; user: { name: string } }) =>
          void calls.push(`${properties.user.name} ${properties.value}`),
        identify() {},
        reset() {},
      })
      const sentA: string[] = []
      const sentB: string[] = []
      function Checkout({ id }: { id: string }) {
        const { value } = useTrackedFlag('checkout', 'default')
        return <p data-testid={id}>{value}</p>
      }
      render(
        <>
          <FlagBridgeProvider
            launchdarkly={{ clientSideID: 'env-siblings', options }}
            segment={{ analytics: sentTo(sentA) }}
            user={{ id: 'user-a', name: 'Ada' }}
            tracking={{ dedupe: 'page' }}
          >
            <Checkout id="a" />
          </FlagBridgeProvider>
          <FlagBridgeProvider
            launchdarkly={{ clientSideID: 'env-siblings', options }}
            segment={{ analytics: sentTo(sentB) }}
            user={{ id: 'user-b', name: 'Bob' }}
            tracking={{ dedupe: 'page' }}
          >
            <Checkout id="b" />
          </FlagBridgeProvider>
        </>,
      )
      await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('A-variant'))
      await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('B-variant'))
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(sentA).toEqual(['Ada A-variant'])
      expect(sentB).toEqual(['Bob B-variant'])
      // One evalx request per user: neither client was switched to the other user.
      expect(
        server.requests.filter((request) => request.context).map((request) => request.context!.key),
      ).toEqual(['user-a', 'user-b'])
    } finally {
      await server.close()
    }
  })
})

describe('failures are reported when they happen, whether or not a flag is read', () => {
  it('12. LaunchDarkly failing to start while ConfigCat serves: reported at once, with no LaunchDarkly flag on screen', async () => {
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const onError = vi.fn()
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'env-unreachable',
          options: {
            baseUrl: 'http://127.0.0.1:9',
            streaming: false,
            sendEvents: false,
            fetchGoals: false,
            diagnosticOptOut: true,
            logger: { debug() {}, info() {}, warn() {}, error() {} },
          },
        }}
        onError={onError}
      >
        <Show flag="beta" />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('true')
    await waitFor(() => expect(onError).toHaveBeenCalled())
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(onError.mock.calls.map(([error]) => [error.code, error.message.split(':')[0]])).toEqual([
      ['VENDOR_ERROR', '[flagbridge] LaunchDarkly could not load flags'],
    ])
  })

  it('12. an empty client-side ID: INVALID_OPTIONS at mount', () => {
    const onError = vi.fn()
    render(
      <FlagBridgeProvider launchdarkly={{ clientSideID: '' }} onError={onError}>
        <Show flag="beta" />
      </FlagBridgeProvider>,
    )
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['INVALID_OPTIONS'])
  })

  it('13. Segment failing to load is reported, with no exposure needed to find out', async () => {
    const { createServer } = await import('node:http')
    const cdn = createServer((_request, response) => response.writeHead(404).end('not found'))
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve))
    const { port } = cdn.address() as { port: number }
    try {
      const onError = vi.fn()
      render(
        <TestFlagBridgeProvider flags={{}} onError={onError}>
          <FlagBridgeProvider
            segment={{ writeKey: 'wk-missing', settings: { cdnURL: `http://127.0.0.1:${port}` } }}
            onError={onError}
          />
        </TestFlagBridgeProvider>,
      )
      await waitFor(() =>
        expect(onError.mock.calls.map(([error]) => error.code)).toContain('DESTINATION_ERROR'),
      )
      expect(onError.mock.calls.find(([error]) => error.code === 'DESTINATION_ERROR')![0].message).toContain(
        'Segment did not load',
      )
    } finally {
      await new Promise<void>((resolve) => cdn.close(() => resolve()))
    }
  })
})

describe('a Segment instance that rejects', () => {
  it('8. every method returning a rejected promise: failures reported, no unhandled rejection, sign-out included', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const rejecting = {
        track: () => Promise.reject(new Error('track refused')),
        identify: () => Promise.reject(new Error('identify refused')),
        reset: () => Promise.reject(new Error('reset refused')),
        // Persisted as someone else, so the page starts with a reset too.
        user: () => ({ id: () => 'someone-else', anonymousId: () => 'anon' }),
      }
      const onError = vi.fn()
      let api: ReturnType<typeof useFlagBridge> | undefined
      function Grab() {
        api = useFlagBridge()
        return null
      }
      render(
        <TestFlagBridgeProvider flags={{}} onError={onError}>
          <FlagBridgeProvider
            configcat={{
              sdkKey: configCatSdkKey(),
              options: configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } }).options,
            }}
            segment={{ analytics: rejecting }}
            user={{ id: 'u1' }}
            tracking={{ dedupe: 'page' }}
            onError={onError}
          >
            <Show flag="beta" />
            <Grab />
          </FlagBridgeProvider>
        </TestFlagBridgeProvider>,
      )
      await act(async () => {
        await api!.reset()
      })
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(unhandled).toEqual([])
      expect(
        onError.mock.calls.map(([error]) => error.message.replace(/^\[flagbridge\] /, '')).sort(),
      ).toEqual([
        // u1's exposure, then the anonymous visitor's after sign-out: each send is reported.
        'segment Feature Flag Evaluated failed: track refused',
        'segment Feature Flag Evaluated failed: track refused',
        'segment could not reconcile its identity: reset refused',
        'segment identify failed: identify refused',
        'segment reset failed: reset refused',
      ])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('13. an empty write key: INVALID_OPTIONS, reported at once, nothing loaded', async () => {
    const onError = vi.fn()
    render(
      <FlagBridgeProvider segment={{ writeKey: '' }} onError={onError}>
        <Show flag="beta" />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(onError.mock.calls.map(([error]) => error.code)).toContain('INVALID_OPTIONS'))
    expect(onError.mock.calls.find(([error]) => error.code === 'INVALID_OPTIONS')![0].message).toBe(
      '[flagbridge] segment.writeKey must be your source\'s write key, got "": nothing is sent to Segment.',
    )
  })
})

describe('what already behaved keeps behaving', () => {
  it('unicode, __proto__ and constructor keys are flags like any other; 100 user switches attribute every event right', () => {
    const recorder = createEventRecorder()
    const onError = vi.fn()
    function Flags() {
      const unicode = useTrackedFlag('ünïcødé-🚩', false)
      const proto = useTrackedFlag('__proto__', false)
      const ctor = useTrackedFlag('constructor', false)
      return <p data-testid="keys">{[unicode.value, proto.value, ctor.value].join(' ')}</p>
    }
    const flags = JSON.parse('{"ünïcødé-🚩": true, "__proto__": true, "constructor": true}')
    const view = (id: string) => (
      <TestFlagBridgeProvider flags={flags} user={{ id }} recorder={recorder} onError={onError}>
        <Flags />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view('user-0'))
    expect(screen.getByTestId('keys').textContent).toBe('true true true')
    for (let index = 1; index < 100; index++) rerender(view(`user-${index}`))
    expect(onError).not.toHaveBeenCalled()
    // Every track carries the user it was evaluated for, as Segment would stamp it.
    const tracks = recorder.tracks()
    expect(tracks).toHaveLength(300)
    for (const [index, event] of tracks.entries()) expect(event.userId).toBe(`user-${Math.floor(index / 3)}`)
    expect(recorder.identifies().at(-1)).toMatchObject({ userId: 'user-99' })
  })
})
