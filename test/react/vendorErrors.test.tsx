import type { FlagBridgeError } from '@flagbridge/core'
import { FlagBridgeProvider, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { render, screen } from '@testing-library/react'
import { Component, type ReactNode, useEffect } from 'react'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { configCatOffline, configCatSdkKey, launchDarklyOffline } from './fixtures'

function Show({
  flag,
  fallback,
  source,
}: {
  flag: string
  fallback: boolean | string
  source?: 'configcat' | 'launchdarkly'
}) {
  const result = useTrackedFlag(flag, fallback, { source })
  return (
    <p data-testid={flag}>
      {String(result.value)}|{result.source ?? '-'}|{result.error?.code ?? '-'}
    </p>
  )
}

/** What the overlay's Health tab reads: each vendor's status. */
function VendorStates() {
  const { bridge } = useFlagBridge()
  const states = (['configcat', 'launchdarkly'] as const).map(
    (provider) => `${provider}:${bridge.store.vendor(provider)?.state().status ?? 'none'}`,
  )
  return <p data-testid="vendors">{states.join(' ')}</p>
}

/** The app's own error boundary. */
class AppBoundary extends Component<{ children?: ReactNode }, { caught?: { error: unknown } }> {
  override state: { caught?: { error: unknown } } = {}
  static getDerivedStateFromError(error: unknown) {
    return { caught: { error } }
  }
  override render() {
    if (this.state.caught) return <p data-testid="app-boundary">{String(this.state.caught.error)}</p>
    return this.props.children
  }
}

// React reports every error a boundary catches (and jsdom every error thrown in render) to the console.
let consoleError: MockInstance
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => consoleError.mockRestore())

const launchdarkly = () => ({
  clientSideID: `ld-vendor-errors-${Math.random().toString(36).slice(2)}`,
  options: launchDarklyOffline({ 'banner-text': { value: 'Summer sale', variation: 2 } }),
})

describe('an option the vendor SDK refuses: defaults and one onError, never thrown into the app', () => {
  it.each([
    ['0', 0],
    ['−5', -5],
    ['NaN', Number.NaN],
  ])('configcat options.pollIntervalSeconds %s', (_, pollIntervalSeconds) => {
    const onError = vi.fn<(error: FlagBridgeError) => void>()
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: { pollIntervalSeconds } }}
        launchdarkly={launchdarkly()}
        onError={onError}
      >
        <Show flag="new-checkout" fallback={false} />
        <Show flag="banner-text" fallback="default" />
        <VendorStates />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('new-checkout').textContent).toBe('false|configcat|INVALID_OPTIONS')
    // The other vendor is untouched.
    expect(screen.getByTestId('banner-text').textContent).toBe('Summer sale|launchdarkly|-')
    expect(screen.getByTestId('vendors').textContent).toBe('configcat:error launchdarkly:ready')
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['INVALID_OPTIONS'])
    expect(onError.mock.calls[0]![0].message).toContain('pollIntervalSeconds')
    expect(onError.mock.calls[0]![0].message).toContain('Fix the configcat prop')
  })

  it('LaunchDarkly’s provider failing to render (a reactContext it cannot use): VENDOR_ERROR, ConfigCat untouched', () => {
    const onError = vi.fn<(error: FlagBridgeError) => void>()
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'on' } })
    const firstRender: string[] = []
    function FirstRender() {
      const { value } = useTrackedFlag('banner-text', 'default', { source: 'launchdarkly' })
      firstRender.push(value)
      return null
    }
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{ ...launchdarkly(), reactOptions: { reactContext: {} } }}
        onError={onError}
      >
        <FirstRender />
        <Show flag="new-checkout" fallback={false} />
        <Show flag="banner-text" fallback="default" source="launchdarkly" />
        <VendorStates />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('banner-text').textContent).toBe('default|launchdarkly|VENDOR_ERROR')
    expect(screen.getByTestId('new-checkout').textContent).toBe('true|configcat|-')
    expect(screen.getByTestId('vendors').textContent).toBe('configcat:ready launchdarkly:error')
    // The failed vendor's bootstrapped value is never shown, not even for one render.
    expect(new Set(firstRender)).toEqual(new Set(['default']))
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['VENDOR_ERROR'])
  })
})

describe("the app's own errors are not the vendor's: they reach the app's error boundaries unchanged", () => {
  it('thrown while rendering, under both vendors: the boundary above the provider gets that very error', () => {
    const onError = vi.fn()
    const thrown = new Error('the app broke')
    function Broken(): ReactNode {
      throw thrown
    }
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'on' } })
    let caught: unknown
    class Catch extends AppBoundary {
      override componentDidCatch(error: unknown) {
        caught = error
      }
    }
    render(
      <Catch>
        <FlagBridgeProvider
          configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
          launchdarkly={launchdarkly()}
          onError={onError}
        >
          <Show flag="new-checkout" fallback={false} />
          <Broken />
        </FlagBridgeProvider>
      </Catch>,
    )
    expect(screen.getByTestId('app-boundary').textContent).toBe('Error: the app broke')
    expect(caught).toBe(thrown)
    expect(onError).not.toHaveBeenCalled()
  })

  it('thrown under a vendor that already failed: the same, and that vendor failure is not reported for it', () => {
    const onError = vi.fn<(error: FlagBridgeError) => void>()
    let caught: unknown
    class Catch extends AppBoundary {
      override componentDidCatch(error: unknown) {
        caught = error
      }
    }
    const thrown = new Error('the app broke')
    function Broken({ broken }: { broken: boolean }) {
      if (broken) throw thrown
      return null
    }
    const view = (broken: boolean) => (
      <Catch>
        <FlagBridgeProvider
          configcat={{ sdkKey: configCatSdkKey(), options: { pollIntervalSeconds: 0 } }}
          onError={onError}
        >
          <Show flag="new-checkout" fallback={false} />
          <Broken broken={broken} />
        </FlagBridgeProvider>
      </Catch>
    )
    const { rerender } = render(view(false))
    expect(screen.getByTestId('new-checkout').textContent).toBe('false|configcat|INVALID_OPTIONS')
    rerender(view(true))
    expect(screen.getByTestId('app-boundary').textContent).toBe('Error: the app broke')
    expect(caught).toBe(thrown)
    expect(onError.mock.calls.map(([error]) => error.code)).toEqual(['INVALID_OPTIONS'])
  })

  it('thrown from an effect: the same', () => {
    const onError = vi.fn()
    function BrokenEffect() {
      useEffect(() => {
        throw new Error('effect broke')
      }, [])
      return null
    }
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'on' } })
    render(
      <AppBoundary>
        <FlagBridgeProvider
          configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
          onError={onError}
        >
          <BrokenEffect />
        </FlagBridgeProvider>
      </AppBoundary>,
    )
    expect(screen.getByTestId('app-boundary').textContent).toBe('Error: effect broke')
    expect(onError).not.toHaveBeenCalled()
  })

  it('a boundary of the app inside the provider catches it, and the vendor keeps serving', () => {
    function Broken(): ReactNode {
      throw new Error('widget broke')
    }
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'on' } })
    render(
      <FlagBridgeProvider configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}>
        <Show flag="new-checkout" fallback={false} />
        <AppBoundary>
          <Broken />
        </AppBoundary>
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('app-boundary').textContent).toBe('Error: widget broke')
    expect(screen.getByTestId('new-checkout').textContent).toBe('true|configcat|-')
  })
})

describe('an onError that throws', () => {
  it('breaks nothing, and development builds log it to the console', () => {
    const thrown = new Error('onError broke')
    function Limit() {
      const { value, error } = useTrackedFlag('limit', 5)
      return (
        <p data-testid="limit">
          {value}|{error?.code}
        </p>
      )
    }
    render(
      <TestFlagBridgeProvider
        flags={{ limit: 'ten' }}
        onError={() => {
          throw thrown
        }}
      >
        <Limit />
      </TestFlagBridgeProvider>,
    )
    // A served value of the wrong type: the default, and a report to onError, which throws.
    expect(screen.getByTestId('limit').textContent).toBe('5|TYPE_MISMATCH')
    expect(consoleError.mock.calls).toEqual([
      [
        '[flagbridge] onError threw while handling',
        expect.objectContaining({ code: 'TYPE_MISMATCH' }),
        thrown,
      ],
    ])
  })
})
