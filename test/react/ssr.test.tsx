import { PassThrough } from 'node:stream'
import { getClient, PollingMode } from '@configcat/sdk'
import { FlagBridgeProvider, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { act } from '@testing-library/react'
import { lazy, Suspense, useLayoutEffect } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToPipeableStream, renderToString } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  capturingSegment,
  configCatOffline,
  configCatSdkKey,
  launchDarklyAt,
  launchDarklyBootstrap,
  launchDarklyOffline,
} from './fixtures'
import { startVendorServer } from './vendorServer'

let server: Awaited<ReturnType<typeof startVendorServer>>
beforeAll(async () => {
  server = await startVendorServer()
})
afterAll(() => server.close())

function Flags() {
  const checkout = useTrackedFlag('new-checkout', false)
  const banner = useTrackedFlag('banner-text', 'default banner')
  return (
    <p id="flags">
      checkout={String(checkout.value)} banner={banner.value}
    </p>
  )
}

/** Renders as the server would: no window, no XMLHttpRequest (configcat-react's server check). */
function renderOnServer(element: React.ReactElement): string {
  const globals = globalThis as Record<string, unknown>
  const saved = { window: globals.window, XMLHttpRequest: globals.XMLHttpRequest }
  delete globals.window
  delete globals.XMLHttpRequest
  try {
    return renderToString(element)
  } finally {
    Object.assign(globals, saved)
  }
}

/**
 * Hydrates `app` over the server's `html` in a container added to the page, and asserts it went
 * cleanly: no recoverable error (a mismatch) and nothing on console.error.
 */
async function hydrateCleanly(html: string, app: React.ReactElement): Promise<HTMLDivElement> {
  const container = document.createElement('div')
  container.innerHTML = html
  document.body.append(container)
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
  const recoverable: unknown[] = []
  try {
    await act(async () => {
      hydrateRoot(container, app, { onRecoverableError: (error) => recoverable.push(error) })
    })
    expect(recoverable).toEqual([])
    expect(consoleError).not.toHaveBeenCalled()
  } finally {
    consoleError.mockRestore()
  }
  return container
}

describe('hydration', () => {
  it('hydrates the server HTML without mismatch, then shows and tracks the client values', async () => {
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'cc-1' } })
    const segment = capturingSegment()
    const app = (
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-hydrate',
          options: launchDarklyOffline({ 'banner-text': { value: 'Sale', variation: 1 } }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        routing={{ flags: { 'new-checkout': 'configcat', 'banner-text': 'launchdarkly' } }}
      >
        <Flags />
      </FlagBridgeProvider>
    )
    const html = renderOnServer(app)
    expect(html.replaceAll('<!-- -->', '')).toBe('<p id="flags">checkout=false banner=Sale</p>')

    const container = await hydrateCleanly(html, app)
    expect(container.textContent).toBe('checkout=true banner=Sale')

    await vi.waitFor(() => expect(segment.tracks()).toHaveLength(2))
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(
      segment
        .tracks()
        .map((event) => [event.properties!.feature_flag_key, event.properties!.value])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    ).toEqual([
      ['banner-text', 'Sale'],
      ['new-checkout', true],
    ])
    container.remove()
  })

  it('unrouted keys hydrate cleanly for a returning visitor (ConfigCat cached on the client, not on the server)', async () => {
    // ConfigCat: checkout and shared; LaunchDarkly (bootstrapped): banner-text and shared.
    const configcat = configCatOffline({
      'new-checkout': { t: 0, v: { b: true }, i: 'cc-1' },
      shared: { t: 1, v: { s: 'from configcat' }, i: 'cc-shared' },
    })
    const segment = capturingSegment()
    function Unrouted() {
      const checkout = useTrackedFlag('new-checkout', false)
      const banner = useTrackedFlag('banner-text', 'default banner')
      const shared = useTrackedFlag('shared', 'default shared')
      return (
        <p id="flags">
          checkout={String(checkout.value)} banner={banner.value} shared={shared.value}
        </p>
      )
    }
    const app = (
      <FlagBridgeProvider
        configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
        launchdarkly={{
          clientSideID: 'ld-hydrate-unrouted',
          options: launchDarklyOffline({
            'banner-text': { value: 'Sale', variation: 1 },
            shared: { value: 'from launchdarkly', variation: 0 },
          }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
      >
        <Unrouted />
      </FlagBridgeProvider>
    )
    const html = renderOnServer(app)
    expect(html.replaceAll('<!-- -->', '')).toBe(
      '<p id="flags">checkout=false banner=Sale shared=from launchdarkly</p>',
    )

    const container = await hydrateCleanly(html, app)
    // The key the server showed from LaunchDarkly stays LaunchDarkly's; ConfigCat's own key arrives.
    expect(container.textContent).toBe('checkout=true banner=Sale shared=from launchdarkly')

    await vi.waitFor(() => expect(segment.tracks()).toHaveLength(3))
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(
      segment
        .tracks()
        .map(
          (event) =>
            `${event.properties!.feature_flag_key}=${event.properties!.value} ${event.properties!.flag_provider}`,
        )
        .sort(),
    ).toEqual([
      'banner-text=Sale launchdarkly',
      'new-checkout=true configcat',
      'shared=from launchdarkly launchdarkly',
    ])
    container.remove()
  })

  it("a bootstrap evaluated for another user: the server's HTML hydrates, nothing of it is sent, this user's flags are fetched and sent", async () => {
    // ConfigCat: new-checkout is true, false for bob. LaunchDarkly: banner-text per context key.
    const config = {
      p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' },
      f: {
        'new-checkout': {
          t: 0,
          v: { b: true },
          i: 'cc-on',
          r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['bob'] } }], s: { v: { b: false }, i: 'cc-off' } }],
        },
      },
    }
    server.setConfigCat(config)
    server.setLaunchDarkly((key) => ({
      'banner-text':
        key === 'bob' ? { value: 'Hello Bob', variation: 1 } : { value: 'Summer sale', variation: 2 },
    }))
    // What getFlagBridgeBootstrap gives for bob (test/core/serverBootstrap.test.ts: whose it is).
    const forBob = launchDarklyBootstrap({ 'banner-text': { value: 'Hello Bob', variation: 1 } })
    ;(forBob.$flagsState as Record<string, unknown>).$user = { key: 'bob' }
    const bootstrap = {
      configcat: {
        config: `${Date.now()}\n"etag-bob"\n${JSON.stringify(config)}`,
        flags: { 'new-checkout': { value: false, variationId: 'cc-off', reason: 'RULE_MATCH' } },
        user: 'bob',
      },
      launchdarkly: forBob,
    }
    const segment = capturingSegment()
    const app = (
      <FlagBridgeProvider
        configcat={{
          sdkKey: configCatSdkKey(),
          options: { baseUrl: server.baseUrl },
          bootstrap: bootstrap.configcat,
        }}
        launchdarkly={{
          clientSideID: 'ld-hydrate-other-user',
          options: {
            bootstrap: bootstrap.launchdarkly,
            ...launchDarklyAt(server.baseUrl),
          },
        }}
        segment={{ analytics: segment.analytics }}
        // The app's bug: the page's bootstrap is bob's, the provider's user is alice.
        user={{ id: 'alice' }}
      >
        <Flags />
      </FlagBridgeProvider>
    )
    const html = renderOnServer(app)
    expect(html.replaceAll('<!-- -->', '')).toBe('<p id="flags">checkout=false banner=Hello Bob</p>')

    const container = await hydrateCleanly(html, app)

    await vi.waitFor(() => expect(container.textContent).toBe('checkout=true banner=Summer sale'))
    await vi.waitFor(() => expect(segment.tracks()).toHaveLength(2))
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(
      segment
        .tracks()
        .map(
          (event) =>
            `${event.userId} ${event.properties!.feature_flag_key}=${event.properties!.value} ${event.properties!.variation_id}`,
        )
        .sort(),
    ).toEqual(['alice banner-text=Summer sale 2', 'alice new-checkout=true cc-on'])
    // alice's flags were fetched for alice's context.
    expect(
      server.requests.filter((request) => request.context).map((request) => request.context!.key),
    ).toEqual(['alice'])
    container.remove()
  })

  it("client values equal to the server's: hydration re-renders nothing and sends each flag once, even with dedupe 'none'", async () => {
    const segment = capturingSegment()
    let renders = 0
    function Counted() {
      renders++
      return <Flags />
    }
    const app = (
      <FlagBridgeProvider
        launchdarkly={{
          clientSideID: 'ld-hydrate-same',
          options: launchDarklyOffline({
            'new-checkout': { value: true, variation: 0 },
            'banner-text': { value: 'Sale', variation: 1 },
          }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        tracking={{ dedupe: 'none' }}
      >
        <Counted />
      </FlagBridgeProvider>
    )
    const html = renderOnServer(app)
    expect(html.replaceAll('<!-- -->', '')).toBe('<p id="flags">checkout=true banner=Sale</p>')
    renders = 0
    const container = await hydrateCleanly(html, app)
    await vi.waitFor(() => expect(segment.tracks().length).toBeGreaterThanOrEqual(2))
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(container.textContent).toBe('checkout=true banner=Sale')
    expect(
      segment.tracks().map((event) => `${event.properties!.feature_flag_key}=${event.properties!.value}`),
    ).toEqual(['new-checkout=true', 'banner-text=Sale'])
    expect(renders).toBe(1)
    container.remove()
  })

  it('a bootstrapped value of another type than the default renders the default with TYPE_MISMATCH on the server too, and is never sent', async () => {
    const segment = capturingSegment()
    const errors: string[] = []
    function Mismatched() {
      const checkout = useTrackedFlag('new-checkout', false)
      // banner-text is a text flag; read here with a boolean default.
      const banner = useTrackedFlag('banner-text', false)
      return (
        <p id="flags">
          checkout={String(checkout.value)} banner={String(banner.value)} {banner.error?.code}
        </p>
      )
    }
    const app = (
      <FlagBridgeProvider
        launchdarkly={{
          clientSideID: 'ld-hydrate-mismatch',
          options: launchDarklyOffline({
            'new-checkout': { value: true, variation: 0 },
            'banner-text': { value: 'Sale', variation: 1 },
          }),
        }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
        onError={(error) => errors.push(error.code)}
      >
        <Mismatched />
      </FlagBridgeProvider>
    )
    const html = renderOnServer(app)
    expect(html.replaceAll('<!-- -->', '')).toBe('<p id="flags">checkout=true banner=false TYPE_MISMATCH</p>')
    const container = await hydrateCleanly(html, app)
    await vi.waitFor(() => expect(segment.tracks().length).toBeGreaterThanOrEqual(1))
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
    expect(container.textContent).toBe('checkout=true banner=false TYPE_MISMATCH')
    expect(
      segment.tracks().map((event) => `${event.properties!.feature_flag_key}=${event.properties!.value}`),
    ).toEqual(['new-checkout=true'])
    expect(errors).toContain('TYPE_MISMATCH')
    container.remove()
  })

  it('a Suspense boundary hydrating after an override was set still hydrates what the server streamed, then shows the override', async () => {
    function Banner() {
      const banner = useTrackedFlag('banner-text', 'default banner')
      return <span id="banner">{banner.value}</span>
    }
    /** An override set as the overlay sets its saved ones: in a layout effect, after the shell hydrated. */
    function SetOverride() {
      const { setOverride } = useFlagBridge()
      useLayoutEffect(() => setOverride('banner-text', 'Overridden'), [setOverride])
      return null
    }
    // ConfigCat through an app's own client: no vendor React provider whose update after mount would
    // switch the not yet hydrated boundary to client rendering (LDProvider and ConfigCatProvider do).
    const client = getClient(
      configCatSdkKey(),
      PollingMode.ManualPoll,
      configCatOffline({ 'banner-text': { t: 1, v: { s: 'Sale' }, i: 'cc-sale' } }).options as never,
    )
    const app = (Late: React.ComponentType) => (
      <FlagBridgeProvider configcat={{ client: client as never }} user={{ id: 'user-1' }}>
        <SetOverride />
        <Suspense fallback={<span>loading</span>}>
          <Late />
        </Suspense>
      </FlagBridgeProvider>
    )
    // The server streams the boundary's content once it is ready.
    const globals = globalThis as Record<string, unknown>
    const saved = { window: globals.window, XMLHttpRequest: globals.XMLHttpRequest }
    delete globals.window
    delete globals.XMLHttpRequest
    let html = ''
    try {
      const ServerLate = lazy(async () => ({ default: Banner }))
      html = await new Promise<string>((resolve, reject) => {
        const stream = renderToPipeableStream(app(ServerLate), {
          onAllReady() {
            const sink = new PassThrough()
            let text = ''
            sink.on('data', (chunk) => {
              text += chunk
            })
            sink.on('end', () => resolve(text))
            stream.pipe(sink)
          },
          onShellError: reject,
        })
      })
    } finally {
      Object.assign(globals, saved)
    }
    expect(html).toContain('<span id="banner">default banner</span>')

    // In the browser the boundary's code arrives after the shell hydrated (and the override was set).
    let load!: () => void
    const ClientLate = lazy(
      () =>
        new Promise<{ default: typeof Banner }>((resolve) => {
          load = () => resolve({ default: Banner })
        }),
    )
    const container = document.createElement('div')
    container.innerHTML = html
    document.body.append(container)
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const recoverable: unknown[] = []
    await act(async () => {
      hydrateRoot(container, app(ClientLate), { onRecoverableError: (error) => recoverable.push(error) })
    })
    expect(container.querySelector('#banner')?.textContent).toBe('default banner')
    await act(async () => {
      load()
    })
    expect(recoverable).toEqual([])
    // Both renderers run in this one process (in an app they don't): React warns about shared contexts.
    const sameProcess = /multiple renderers concurrently rendering the same context provider/
    expect(
      consoleError.mock.calls.map((call) => String(call[0])).filter((text) => !sameProcess.test(text)),
    ).toEqual([])
    consoleError.mockRestore()
    expect(container.querySelector('#banner')?.textContent).toBe('Overridden')
    container.remove()
    client.dispose()
  })
})
