import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { createConsoleLogger, LogLevel, User, useFeatureFlag } from 'configcat-react'
import { useFlags, useLDClient } from 'launchdarkly-react-client-sdk'
import { Suspense, useState } from 'react'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  capturingSegment,
  configCatOffline,
  configCatSdkKey,
  launchDarklyAt,
  launchDarklyOffline,
} from './fixtures'
import { startVendorServer } from './vendorServer'

function AppReadsSdksDirectly() {
  const { value: promo } = useFeatureFlag('promo', false)
  const { darkMode } = useFlags()
  return (
    <p data-testid="direct">
      promo={String(promo)} darkMode={String(darkMode)}
    </p>
  )
}

/** Reads LaunchDarkly outside render: in a click handler, straight through the client. */
function ChecksOnClick() {
  const client = useLDClient()
  return (
    <button type="button" onClick={() => client?.variation('dark-mode', false)}>
      check
    </button>
  )
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))
const tracked = (segment: ReturnType<typeof capturingSegment>) =>
  segment
    .tracks()
    .map(
      (event) =>
        `${event.properties!.flag_provider} ${event.properties!.feature_flag_key}=${event.properties!.value} #${event.properties!.variation_id}`,
    )

function AlsoThroughTheHook() {
  const { value } = useTrackedFlag('promo', false)
  return <p data-testid="hook">{String(value)}</p>
}

describe('tracking.sdkEvaluations', () => {
  it("tracks the app's own ConfigCat reads and LaunchDarkly reads made outside render, deduplicated with the hook's", async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <AppReadsSdksDirectly />
        <AlsoThroughTheHook />
        <ChecksOnClick />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('direct').textContent).toBe('promo=true darkMode=true'))
    expect(screen.getByTestId('hook').textContent).toBe('true')
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await settle()
    // useFlags read dark-mode during render: not an exposure (a discarded render reads the same way).
    expect(tracked(segment)).toEqual(['configcat promo=true #promo-on'])
    expect(warn.mock.calls.filter(([text]) => String(text).includes('during a render'))).toHaveLength(1)

    fireEvent.click(screen.getByRole('button', { name: 'check' }))
    await waitFor(() => expect(segment.tracks()).toHaveLength(2))
    await settle()
    expect(tracked(segment)).toEqual(['configcat promo=true #promo-on', 'launchdarkly dark-mode=true #1'])
    warn.mockRestore()
  })

  it('never sends a LaunchDarkly read from a render React discards (a suspended tree)', async () => {
    const segment = capturingSegment()
    const never = new Promise<never>(() => {})
    function ReadsThenSuspends() {
      const { darkMode } = useFlags()
      if (darkMode === true) throw never
      return <p>not yet</p>
    }
    function Menu() {
      const [open, setOpen] = useState(false)
      return open ? (
        <ReadsThenSuspends />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          open
        </button>
      )
    }
    /** Shows when LaunchDarkly is ready, without reading a flag. */
    function Ready() {
      const client = useLDClient()
      return <p data-testid="ready">{client ? 'ready' : 'waiting'}</p>
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    render(
      <FlagBridgeProvider
        launchdarkly={{
          clientSideID: 'ld-sdk-evals-discarded',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <Ready />
        <Suspense fallback={<p data-testid="fallback">suspended</p>}>
          <Menu />
        </Suspense>
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('ready').textContent).toBe('ready'))
    await settle()
    // The menu's render reads dark-mode, then suspends for good: React discards that render.
    fireEvent.click(screen.getByRole('button', { name: 'open' }))
    await waitFor(() => expect(screen.getByTestId('fallback')).toBeTruthy())
    await settle()
    expect(tracked(segment)).toEqual([])
    warn.mockRestore()
  })

  it('is off by default: only what the hook shows is tracked', async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals-off',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ dedupe: 'page' }}
      >
        <AppReadsSdksDirectly />
        <AlsoThroughTheHook />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('direct').textContent).toBe('promo=true darkMode=true'))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(segment.tracks().map((event) => event.properties!.feature_flag_key)).toEqual(['promo'])
  })

  it('never sends a default: keys the SDKs do not know are not exposures', async () => {
    const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
    const segment = capturingSegment()
    function ReadsTypos() {
      const { value: typo } = useFeatureFlag('promo-typo', false)
      const { notAFlag } = useFlags()
      const { value: promo } = useFeatureFlag('promo', false)
      return (
        <p data-testid="typos">
          {String(typo)} {String(notAFlag)} {String(promo)}
        </p>
      )
    }
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-sdk-evals-typos',
          options: launchDarklyOffline({ 'dark-mode': { value: true, variation: 1 } }),
          reactOptions: { useCamelCaseFlagKeys: false },
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <ReadsTypos />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('typos').textContent).toBe('false undefined true'))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(segment.tracks().map((event) => event.properties!.feature_flag_key)).toEqual(['promo'])
  })

  describe('a switch of users under way', () => {
    let server: Awaited<ReturnType<typeof startVendorServer>>
    beforeAll(async () => {
      server = await startVendorServer()
      server.setLaunchDarkly((key) => ({
        theme: key === 'user-b' ? { value: 'b-theme', variation: 1 } : { value: 'a-theme', variation: 0 },
      }))
    })
    afterAll(() => server.close())

    it('an app read made while LaunchDarkly still evaluates for a is not sent as b', async () => {
      // b's flags take a while: until they are in, the client evaluates for a.
      server.delayLaunchDarkly((context) => (context.key === 'user-b' ? 300 : 0))
      const segment = capturingSegment()
      function ThemeOnClick() {
        const client = useLDClient()
        // Shown without tracking: only the click's own read can be sent.
        const { value } = useTrackedFlag('theme', 'none', { track: false })
        return (
          <button type="button" onClick={() => client?.variation('theme', 'none')}>
            {value}
          </button>
        )
      }
      const app = (id: string) => (
        <FlagBridgeProvider
          launchdarkly={{
            clientSideID: 'ld-sdk-evals-switch',
            options: {
              ...launchDarklyAt(server.baseUrl),
            },
          }}
          segment={{ analytics: segment.analytics }}
          user={{ id }}
          tracking={{ sdkEvaluations: true, dedupe: 'page' }}
        >
          <ThemeOnClick />
        </FlagBridgeProvider>
      )
      const { rerender, unmount } = render(app('user-a'))
      await waitFor(() => expect(screen.getByRole('button').textContent).toBe('a-theme'))
      fireEvent.click(screen.getByRole('button'))
      await waitFor(() => expect(segment.tracks()).toHaveLength(1))

      rerender(app('user-b'))
      // The client still evaluates for a: LaunchDarkly answers a-theme, for a.
      expect(screen.getByRole('button').textContent).toBe('none')
      fireEvent.click(screen.getByRole('button'))
      await waitFor(() => expect(screen.getByRole('button').textContent).toBe('b-theme'), { timeout: 2_000 })
      fireEvent.click(screen.getByRole('button'))
      await waitFor(() => expect(segment.tracks().length).toBeGreaterThanOrEqual(2))
      await settle()
      server.delayLaunchDarkly(() => 0)
      expect(
        segment
          .tracks()
          .map((event) => `${event.userId} ${event.properties!.value} #${event.properties!.variation_id}`),
      ).toEqual(['user-a a-theme #0', 'user-b b-theme #1'])
      unmount()
    })
  })

  it("never sends a ConfigCat evaluation made for someone else under the signed-in user's name", async () => {
    // Identifier is one of ["bob"] → true (promo-bob), else false (promo-off).
    const configcat = configCatOffline({
      promo: {
        t: 0,
        v: { b: false },
        i: 'promo-off',
        r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['bob'] } }], s: { v: { b: true }, i: 'promo-bob' } }],
      },
    })
    const segment = capturingSegment()
    const bob = new User('bob')
    /** An admin preview: the app evaluates for another user, explicitly, through configcat-react. */
    function PreviewAsBob() {
      const { value } = useFeatureFlag('promo', false, bob)
      return <p data-testid="preview">{String(value)}</p>
    }
    render(
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ sdkEvaluations: true, dedupe: 'page' }}
      >
        <PreviewAsBob />
        <AlsoThroughTheHook />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('preview').textContent).toBe('true'))
    expect(screen.getByTestId('hook').textContent).toBe('false')
    await waitFor(() => expect(segment.tracks().length).toBeGreaterThan(0))
    await settle()
    // user-1 was shown promo-off (the hook); bob's promo-bob is not user-1's exposure.
    expect(tracked(segment)).toEqual(['configcat promo=false #promo-off'])
    expect(segment.tracks().map((event) => event.userId)).toEqual(['user-1'])
  })

  it('never sends an evaluation ConfigCat made for the anonymous visitor under the name of the user who signed in meanwhile', async () => {
    const server = await startVendorServer()
    try {
      // Identifier is one of ["user-1"] → true (promo-user-1), else false (promo-off).
      server.setConfigCat({
        f: {
          promo: {
            t: 0,
            v: { b: false },
            i: 'promo-off',
            r: [
              {
                c: [{ u: { a: 'Identifier', c: 0, l: ['user-1'] } }],
                s: { v: { b: true }, i: 'promo-user-1' },
              },
            ],
          },
        },
      })
      // The CDN is slow: the app's first read (for the anonymous visitor) waits for the config.
      server.faults.configcat = { delayMs: 300 }
      const segment = capturingSegment()
      function ReadsPromo() {
        const { value } = useFeatureFlag('promo', false)
        return <p data-testid="promo">{String(value)}</p>
      }
      const sdkKey = configCatSdkKey()
      const app = (user: { id: string } | undefined) => (
        <FlagBridgeProvider
          configcat={{
            sdkKey,
            options: { baseUrl: server.baseUrl, logger: createConsoleLogger(LogLevel.Off) },
          }}
          segment={{ analytics: segment.analytics }}
          user={user}
          tracking={{ sdkEvaluations: true, dedupe: 'page' }}
        >
          <ReadsPromo />
        </FlagBridgeProvider>
      )
      const { rerender } = render(app(undefined))
      // The session check answers before the config: user-1 signs in while the anonymous read waits.
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
      rerender(app({ id: 'user-1' }))
      await waitFor(() => expect(segment.tracks().length).toBeGreaterThan(0), { timeout: 3_000 })
      await settle()
      // Only what ConfigCat evaluated for user-1 is user-1's exposure.
      expect(tracked(segment)).toEqual(['configcat promo=true #promo-user-1'])
      expect(segment.tracks().map((event) => event.userId)).toEqual(['user-1'])
    } finally {
      await server.close()
    }
  })
})
