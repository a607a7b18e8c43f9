import { FlagBridgeError } from '@flagbridge/core'
import { FlagBridgeProvider, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { FlagBridgeProvider as ConfigCatOnlyProvider } from '@flagbridge/react/configcat'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey, launchDarklyOffline } from './fixtures'

function Show({
  flag,
  fallback,
  source,
}: {
  flag: string
  fallback: boolean | string | number
  source?: 'configcat' | 'launchdarkly'
}) {
  const result = useTrackedFlag(flag, fallback, source ? { source } : {})
  return (
    <p data-testid={flag}>
      {String(result.value)}|{result.source ?? '-'}|{result.error?.code ?? '-'}|
      {result.loading ? 'loading' : 'ready'}
    </p>
  )
}

describe('useTrackedFlag outside a provider', () => {
  it('throws a MISSING_PROVIDER error that names the provider and the fix', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    let caught: unknown
    try {
      render(<Show flag="beta" fallback={false} />)
    } catch (error) {
      caught = error
    }
    spy.mockRestore()
    expect(caught).toBeInstanceOf(FlagBridgeError)
    expect((caught as FlagBridgeError).code).toBe('MISSING_PROVIDER')
    expect((caught as FlagBridgeError).message).toContain(
      'useTrackedFlag must be used inside <FlagBridgeProvider>',
    )
  })
})

describe('routing', () => {
  const flags = {
    configcat: { shared: 'from configcat', 'cc-only': 'cc' },
    launchdarkly: { shared: 'from launchdarkly', 'ld-only': 'ld' },
  }
  it('source option > routing.flags > the vendor that knows the key > routing.default', () => {
    render(
      <TestFlagBridgeProvider
        flags={flags}
        routing={{ default: 'launchdarkly', flags: { 'cc-only': 'launchdarkly' } }}
      >
        <Show flag="shared" fallback="" />
        <Show flag="shared" fallback="" source="configcat" />
        <Show flag="cc-only" fallback="none" />
        <Show flag="ld-only" fallback="" />
        <Show flag="unknown" fallback="none" />
      </TestFlagBridgeProvider>,
    )
    const texts = screen.getAllByTestId('shared').map((element) => element.textContent)
    // Both know "shared": routing.default decides; an explicit source wins.
    expect(texts).toEqual(['from launchdarkly|launchdarkly|-|ready', 'from configcat|configcat|-|ready'])
    // routing.flags wins over the vendor that knows the key: LaunchDarkly doesn't have it → default.
    expect(screen.getByTestId('cc-only').textContent).toBe('none|launchdarkly|-|ready')
    expect(screen.getByTestId('ld-only').textContent).toBe('ld|launchdarkly|-|ready')
    expect(screen.getByTestId('unknown').textContent).toBe('none|launchdarkly|-|ready')
  })
})

describe('what counts as an exposure', () => {
  it('a key no vendor serves shows the default and sends nothing; served flags are sent', () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={{ beta: true }} recorder={recorder}>
        <Show flag="beta" fallback={false} />
        <Show flag="no-such-flag" fallback="fallback" />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('no-such-flag').textContent).toBe('fallback|configcat|-|ready')
    expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['beta'])
  })
})

describe('TestFlagBridgeProvider follows its props as FlagBridgeProvider does', () => {
  it('a routing change re-routes the flag; consent turned on sends what waited', () => {
    const recorder = createEventRecorder()
    const flags = { configcat: { banner: 'cc' }, launchdarkly: { banner: 'ld' } }
    const view = (routing: 'configcat' | 'launchdarkly', consent: boolean) => (
      <TestFlagBridgeProvider
        flags={flags}
        routing={{ flags: { banner: routing } }}
        tracking={{ dedupe: 'page', consent }}
        recorder={recorder}
      >
        <Show flag="banner" fallback="none" />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view('configcat', false))
    expect(screen.getByTestId('banner').textContent).toBe('cc|configcat|-|ready')
    expect(recorder.tracks()).toHaveLength(0)

    rerender(view('launchdarkly', false))
    expect(screen.getByTestId('banner').textContent).toBe('ld|launchdarkly|-|ready')
    expect(recorder.tracks()).toHaveLength(0)

    rerender(view('launchdarkly', true))
    expect(
      recorder.tracks().map((event) => [event.properties.flag_provider, event.properties.value]),
    ).toEqual([
      ['configcat', 'cc'],
      ['launchdarkly', 'ld'],
    ])
  })
})

describe('errors never break rendering', () => {
  it('a served value of the wrong type is reported and the default is returned', () => {
    const onError = vi.fn()
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={{ limit: 'ten' }} onError={onError} recorder={recorder}>
        <Show flag="limit" fallback={5} />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('limit').textContent).toBe('5|configcat|TYPE_MISMATCH|ready')
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError.mock.calls[0]![0].code).toBe('TYPE_MISMATCH')
    expect(recorder.tracks()).toHaveLength(0)
  })

  it('an invalid ConfigCat SDK key serves defaults with INVALID_OPTIONS instead of throwing', () => {
    render(
      <FlagBridgeProvider configcat={{ sdkKey: 'not-a-key' }}>
        <Show flag="beta" fallback={false} />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('false|configcat|INVALID_OPTIONS|ready')
  })

  it('a LaunchDarkly prop given to the ConfigCat-only entry serves defaults with a clear error', () => {
    render(
      <ConfigCatOnlyProvider launchdarkly={{ clientSideID: 'x' }}>
        <Show flag="beta" fallback={false} />
      </ConfigCatOnlyProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('false|launchdarkly|INVALID_OPTIONS|ready')
  })

  it('no vendor at all: defaults with NO_VENDOR', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    render(
      <FlagBridgeProvider>
        <Show flag="beta" fallback={true} />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('true|-|NO_VENDOR|ready')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('[flagbridge]'))
    warn.mockRestore()
  })

  it('a Segment whose every method throws: the app renders, the error goes to onError, Heap still gets its events', async () => {
    const onError = vi.fn()
    const broken = {
      track: () => {
        throw new Error('blocked')
      },
      identify: () => {
        throw new Error('blocked')
      },
      reset: () => {
        throw new Error('blocked')
      },
    }
    const heapCalls: string[] = []
    const heap = {
      loaded: true,
      identify: () => heapCalls.push('identify'),
      resetIdentity: () => heapCalls.push('resetIdentity'),
      addUserProperties: () => heapCalls.push('addUserProperties'),
      addEventProperties: () => heapCalls.push('addEventProperties'),
      removeEventProperty: () => heapCalls.push('removeEventProperty'),
      track: () => heapCalls.push('track'),
    }
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'b1' } })
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        segment={{ analytics: broken }}
        heap={{ api: heap }}
        user={{ id: 'u1' }}
        onError={onError}
      >
        <Show flag="beta" fallback={false} />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('true|configcat|-|ready')
    await waitFor(() =>
      // No LaunchDarkly (so no ldUserId) and no traits: nothing to add as user properties.
      expect(heapCalls).toEqual(['identify', 'track', 'addEventProperties']),
    )
    const codes = onError.mock.calls.map(([error]) => error.code)
    expect(codes).toEqual(['DESTINATION_ERROR', 'DESTINATION_ERROR'])
    expect(onError.mock.calls[1]![0].message).toContain('segment Feature Flag Evaluated failed: blocked')
  })
})

describe('identity', () => {
  it('a user switch identifies everywhere, re-evaluates and re-sends; sign-out resets', async () => {
    // ConfigCat targeting: Identifier is one of ["user-2"] → "vip", else "regular".
    const configcat = configCatOffline({
      tier: {
        t: 1,
        v: { s: 'regular' },
        i: 'tier-regular',
        r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['user-2'] } }], s: { v: { s: 'vip' }, i: 'tier-vip' } }],
      },
    } as never)
    const segment = capturingSegment()
    function App({ userId }: { userId?: string }) {
      return (
        <FlagBridgeProvider
          configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
          segment={{ analytics: segment.analytics }}
          user={userId ? { id: userId } : undefined}
          tracking={{ dedupe: 'page' }}
        >
          <Show flag="tier" fallback="none" />
        </FlagBridgeProvider>
      )
    }
    const { rerender } = render(<App userId="user-1" />)
    expect(screen.getByTestId('tier').textContent).toBe('regular|configcat|-|ready')
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))

    rerender(<App userId="user-2" />)
    expect(screen.getByTestId('tier').textContent).toBe('vip|configcat|-|ready')
    await waitFor(() => expect(segment.tracks()).toHaveLength(2))

    rerender(<App />)
    expect(screen.getByTestId('tier').textContent).toBe('regular|configcat|-|ready')
    await waitFor(() => expect(segment.tracks()).toHaveLength(3))

    const summary = segment.events.map((event) =>
      event.type === 'track'
        ? `track ${event.properties!.value} ${event.userId ?? 'anonymous'}`
        : `${event.type} ${event.userId ?? ''}`.trim(),
    )
    expect(summary).toEqual([
      'identify user-1',
      'track regular user-1',
      'identify user-2',
      'track vip user-2',
      'track regular anonymous',
    ])
    const anonymousIds = new Set(segment.tracks().map((event) => event.anonymousId))
    // Switching users and signing out reset Segment: a new anonymousId each time.
    expect(anonymousIds.size).toBe(3)
  })

  it('useFlagBridge().evaluations() lists what committed components showed', () => {
    let api: ReturnType<typeof useFlagBridge> | undefined
    function Grab() {
      api = useFlagBridge()
      return null
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true, limit: 3 }}>
        <Show flag="beta" fallback={false} />
        <Show flag="limit" fallback={0} />
        <Grab />
      </TestFlagBridgeProvider>,
    )
    expect(api!.evaluations().map((evaluation) => [evaluation.key, evaluation.value])).toEqual([
      ['beta', true],
      ['limit', 3],
    ])
  })

  it('useFlagBridge().reset() signs out everywhere', async () => {
    const recorder = createEventRecorder()
    function SignOut() {
      const { reset } = useFlagBridge()
      return (
        <button type="button" onClick={() => reset()}>
          sign out
        </button>
      )
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true }} user={{ id: 'u1' }} recorder={recorder}>
        <Show flag="beta" fallback={false} />
        <SignOut />
      </TestFlagBridgeProvider>,
    )
    await act(async () => screen.getByRole('button').click())
    expect(recorder.events.map((event) => event.type)).toEqual(['identify', 'track', 'reset', 'track'])
  })
})

describe('LaunchDarkly keys', () => {
  it('uses the original key (no camelCase) while the app keeps useFlags camelCased', () => {
    render(
      <FlagBridgeProvider
        launchdarkly={{
          clientSideID: 'ld-keys',
          options: launchDarklyOffline({ 'dark-mode_v2': { value: true, variation: 1 } }),
        }}
      >
        <Show flag="dark-mode_v2" fallback={false} />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('dark-mode_v2').textContent).toBe('true|launchdarkly|-|ready')
  })
})

describe('useTrackedFlag options', () => {
  it('track: false turned to true sends the flag already on screen, once', async () => {
    const recorder = createEventRecorder()
    function Beta({ track }: { track: boolean }) {
      return <span>{String(useTrackedFlag('beta', false, { track }).value)}</span>
    }
    const view = (track: boolean) => (
      <TestFlagBridgeProvider flags={{ beta: true }} recorder={recorder}>
        <Beta track={track} />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view(false))
    expect(recorder.tracks()).toEqual([])
    rerender(view(true))
    rerender(view(true))
    rerender(view(false))
    rerender(view(true))
    expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['beta'])
  })

  it('null options are the defaults', () => {
    const recorder = createEventRecorder()
    function Beta() {
      return <span data-testid="beta">{String(useTrackedFlag('beta', false, null).value)}</span>
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true }} recorder={recorder}>
        <Beta />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('beta').textContent).toBe('true')
    expect(recorder.tracks()).toHaveLength(1)
  })
})
