import { getClient, PollingMode } from '@configcat/sdk'
import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { createConsoleLogger, LogLevel, useConfigCatClient } from 'configcat-react'
import { useLDClient } from 'launchdarkly-react-client-sdk'
import type { ReactNode } from 'react'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey, launchDarklyAt } from './fixtures'
import { startVendorServer } from './vendorServer'

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))
const sent = (segment: ReturnType<typeof capturingSegment>) =>
  segment
    .tracks()
    .map(
      (event) =>
        `${event.userId ?? 'anonymous'} ${event.properties!.feature_flag_key}=${event.properties!.value} #${event.properties!.variation_id}`,
    )

// Two <FlagBridgeProvider>s on one page (a widget beside the app, an admin preview) share a vendor
// client when they use the same SDK key or client-side ID: configcat-react keeps one client per SDK
// key, FlagBridge one LaunchDarkly client per client-side ID and user. The client evaluates for one
// user at a time; each provider's `tracking.sdkEvaluations` sends only the evaluations made for its user.
describe('two providers on one page sharing a vendor client, with tracking.sdkEvaluations', () => {
  it('ConfigCat: an app read made for the other provider’s user is never sent under this one’s', async () => {
    // Identifier is one of ["bob"] → true (promo-bob), else false (promo-off).
    const configcat = configCatOffline({
      promo: {
        t: 0,
        v: { b: false },
        i: 'promo-off',
        r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['bob'] } }], s: { v: { b: true }, i: 'promo-bob' } }],
      },
    })
    const sdkKey = configCatSdkKey()
    const alice = capturingSegment('write-key-alice', { persistUser: false })
    const bob = capturingSegment('write-key-bob', { persistUser: false })
    /** The app's own read, on click, through configcat-react's client: for the client's default user. */
    function ReadsPromo({ testId }: { testId: string }) {
      const client = useConfigCatClient()
      return (
        <button type="button" onClick={() => client.snapshot().getValue('promo', false)}>
          {testId}
        </button>
      )
    }
    const provider = (id: string, segment: ReturnType<typeof capturingSegment>, children: ReactNode) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        {children}
      </FlagBridgeProvider>
    )
    render(
      <>
        {provider('alice', alice, <ReadsPromo testId="alice-app" />)}
        {provider('bob', bob, <ReadsPromo testId="bob-app" />)}
      </>,
    )
    await settle()
    // The shared client's default user is whoever was identified last: bob.
    fireEvent.click(screen.getByRole('button', { name: 'alice-app' }))
    fireEvent.click(screen.getByRole('button', { name: 'bob-app' }))
    await waitFor(() => expect(bob.tracks()).toHaveLength(1))
    await settle()
    expect(sent(alice)).toEqual([])
    expect(sent(bob)).toEqual(['bob promo=true #promo-bob'])
  })

  describe('LaunchDarkly', () => {
    let server: Awaited<ReturnType<typeof startVendorServer>>
    beforeAll(async () => {
      server = await startVendorServer()
      server.setLaunchDarkly((key) => ({
        theme: key === 'bob' ? { value: 'bob-theme', variation: 1 } : { value: 'alice-theme', variation: 0 },
      }))
    })
    afterAll(() => server.close())

    it('a provider whose shared client another provider moved to its new user never sends that user’s reads under its own', async () => {
      const first = capturingSegment('write-key-first', { persistUser: false })
      const second = capturingSegment('write-key-second', { persistUser: false })
      /** Reads the theme straight through the client, on click (outside render: relayed). */
      function ThemeOnClick({ name }: { name: string }) {
        const client = useLDClient()
        return (
          <button type="button" onClick={() => client?.variation('theme', 'none')}>
            {name}
          </button>
        )
      }
      const provider = (id: string, segment: ReturnType<typeof capturingSegment>, name: string) => (
        <FlagBridgeProvider
          launchdarkly={{
            clientSideID: 'ld-shared-two-providers',
            options: {
              ...launchDarklyAt(server.baseUrl),
            },
          }}
          segment={{ analytics: segment.analytics }}
          user={{ id }}
          tracking={{ sdkEvaluations: true, dedupe: 'page' }}
        >
          <ThemeOnClick name={name} />
        </FlagBridgeProvider>
      )
      const app = (firstUser: string) => (
        <>
          {provider(firstUser, first, 'first')}
          {provider('alice', second, 'second')}
        </>
      )
      const { rerender, unmount } = render(app('alice'))
      await settle()
      // Both providers are for alice: one client, evaluating for alice.
      fireEvent.click(screen.getByRole('button', { name: 'second' }))
      await waitFor(() => expect(second.tracks()).toHaveLength(1))
      // The first provider's user becomes bob: it switches the client it shares with the second.
      rerender(app('bob'))
      await settle()
      fireEvent.click(screen.getByRole('button', { name: 'second' }))
      fireEvent.click(screen.getByRole('button', { name: 'first' }))
      await waitFor(() => expect(first.tracks()).toHaveLength(2))
      await settle()
      expect(sent(second)).toEqual(['alice theme=alice-theme #0'])
      // While both were alice's, each provider relayed alice's read (its own user's) to its own Segment.
      expect(sent(first)).toEqual(['alice theme=alice-theme #0', 'bob theme=bob-theme #1'])
      unmount()
    })
  })
})

describe('what FlagBridge leaves on an app’s ConfigCat client', () => {
  it('no listener stays on the client once the provider stops using it, with tracking.sdkEvaluations', async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const client = getClient(configCatSdkKey(), PollingMode.ManualPoll, {
      ...configcat.options,
      logger: createConsoleLogger(LogLevel.Off),
    } as never)
    const events = ['configChanged', 'configFetched', 'clientError', 'flagEvaluated'] as const
    const listening = () => events.map((event) => client.listenerCount(event))
    const before = listening()
    const app = (withConfigCat: boolean) => (
      <FlagBridgeProvider
        {...(withConfigCat ? { configcat: { client: client as never } } : {})}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true }}
      >
        <p>app</p>
      </FlagBridgeProvider>
    )
    const { rerender, unmount } = render(app(true))
    await settle()
    expect(listening()).toEqual(before.map((count) => count + 1))
    // The app drops ConfigCat (a feature switch, a client replaced): the provider stays mounted.
    rerender(app(false))
    await settle()
    expect(listening()).toEqual(before)
    unmount()
    client.dispose()
  })
})

describe('two providers on one page sharing a ConfigCat client, for different users', () => {
  it('the anonymous visitor’s provider serves its own values while the other one’s user is the client’s default user', async () => {
    // Identifier is one of ["ada"] → true (promo-ada), else false (promo-off).
    const configcat = configCatOffline({
      promo: {
        t: 0,
        v: { b: false },
        i: 'promo-off',
        r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['ada'] } }], s: { v: { b: true }, i: 'promo-ada' } }],
      },
    })
    const sdkKey = configCatSdkKey()
    const guest = capturingSegment('write-key-guest', { persistUser: false })
    const ada = capturingSegment('write-key-ada', { persistUser: false })
    function Promo({ testId }: { testId: string }) {
      const { value, loading } = useTrackedFlag('promo', false)
      return <p data-testid={testId}>{loading ? 'loading' : String(value)}</p>
    }
    const provider = (
      user: { id: string } | undefined,
      segment: ReturnType<typeof capturingSegment>,
      testId: string,
    ) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={user}
        tracking={{ dedupe: 'page' }}
      >
        <Promo testId={testId} />
      </FlagBridgeProvider>
    )
    // ada's provider connects last: ada is the shared client's default user.
    render(
      <>
        {provider(undefined, guest, 'guest')}
        {provider({ id: 'ada' }, ada, 'ada')}
      </>,
    )
    await waitFor(() => expect(ada.tracks()).toHaveLength(1))
    await waitFor(() => expect(guest.tracks()).toHaveLength(1))
    await settle()
    expect(screen.getByTestId('ada').textContent).toBe('true')
    expect(screen.getByTestId('guest').textContent).toBe('false')
    expect(sent(ada)).toEqual(['ada promo=true #promo-ada'])
    expect(sent(guest)).toEqual(['anonymous promo=false #promo-off'])
  })
})
