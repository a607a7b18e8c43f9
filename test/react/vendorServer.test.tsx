import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { render, screen, waitFor } from '@testing-library/react'
import { createConsoleLogger, LogLevel } from 'configcat-react'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { capturingSegment, configCatSdkKey } from './fixtures'
import { startVendorServer } from './vendorServer'

let server: Awaited<ReturnType<typeof startVendorServer>>
beforeAll(async () => {
  server = await startVendorServer()
})
afterAll(() => server.close())

function Show({ flag, fallback }: { flag: string; fallback: boolean | string }) {
  const result = useTrackedFlag(flag, fallback)
  return (
    <p data-testid={flag}>
      {String(result.value)}|{result.variationId ?? '-'}|{result.error?.code ?? '-'}|
      {result.loading ? 'loading' : 'ready'}
    </p>
  )
}

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} }
const configCatQuiet = createConsoleLogger(LogLevel.Off)
const ldOptions = () => ({
  baseUrl: server.baseUrl,
  streaming: false,
  sendEvents: false,
  fetchGoals: false,
  diagnosticOptOut: true,
  logger: quietLogger,
})

describe('both SDKs fetching from a local server that speaks their wire formats', () => {
  it('loads both, re-fetches LaunchDarkly flags for a new user, and tracks what is shown', async () => {
    server.faults.configcat = undefined
    server.faults.launchdarkly = undefined
    server.setConfigCat({ f: { 'new-checkout': { t: 0, v: { b: true }, i: 'cc-on' } } })
    server.setLaunchDarkly((key) => ({
      'banner-text':
        key === 'user-2' ? { value: 'Welcome back', variation: 1 } : { value: 'Hello', variation: 0 },
    }))
    const segment = capturingSegment()
    const sdkKey = configCatSdkKey()
    const app = (userId: string) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: { baseUrl: server.baseUrl } }}
        launchdarkly={{ clientSideID: 'env-fetch', options: ldOptions() }}
        segment={{ analytics: segment.analytics }}
        user={{ id: userId }}
        tracking={{ dedupe: 'page' }}
      >
        <Show flag="new-checkout" fallback={false} />
        <Show flag="banner-text" fallback="-" />
      </FlagBridgeProvider>
    )
    const { rerender } = render(app('user-1'))
    await waitFor(() => expect(screen.getByTestId('new-checkout').textContent).toBe('true|cc-on|-|ready'))
    await waitFor(() => expect(screen.getByTestId('banner-text').textContent).toBe('Hello|0|-|ready'))
    await waitFor(() => expect(segment.tracks()).toHaveLength(2))

    rerender(app('user-2'))
    await waitFor(() => expect(screen.getByTestId('banner-text').textContent).toBe('Welcome back|1|-|ready'))
    const contexts = server.requests
      .filter((request) => request.context)
      .map((request) => request.context!.key)
    expect(contexts).toEqual(['user-1', 'user-2'])
    await waitFor(() => expect(segment.tracks()).toHaveLength(4))
    expect(
      segment
        .tracks()
        .map((event) => `${event.userId} ${event.properties!.feature_flag_key}=${event.properties!.value}`),
    ).toEqual(
      expect.arrayContaining([
        'user-1 new-checkout=true',
        'user-1 banner-text=Hello',
        'user-2 new-checkout=true',
        'user-2 banner-text=Welcome back',
      ]),
    )
    // Exposures for user-2 were sent only once LaunchDarkly had user-2's flags: never "Hello" for user-2.
    expect(
      segment.tracks().some((event) => event.userId === 'user-2' && event.properties!.value === 'Hello'),
    ).toBe(false)
  })

  it('ConfigCat answering 500 serves the default with VENDOR_ERROR; the value arrives when it recovers', async () => {
    server.faults.configcat = { status: 500 }
    server.setConfigCat({ f: { recovering: { t: 1, v: { s: 'back' }, i: 'rec-1' } } })
    const onError = vi.fn()
    render(
      <FlagBridgeProvider
        configcat={{
          sdkKey: configCatSdkKey(),
          options: { baseUrl: server.baseUrl, pollIntervalSeconds: 1, logger: configCatQuiet },
        }}
        onError={onError}
      >
        <Show flag="recovering" fallback="default" />
      </FlagBridgeProvider>,
    )
    await waitFor(() =>
      expect(screen.getByTestId('recovering').textContent).toBe('default|-|VENDOR_ERROR|ready'),
    )
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'VENDOR_ERROR' }))
    server.faults.configcat = undefined
    await waitFor(() => expect(screen.getByTestId('recovering').textContent).toBe('back|rec-1|-|ready'), {
      timeout: 4_000,
    })
  })

  it('LaunchDarkly timing out serves the default with VENDOR_ERROR; the value arrives when it answers', async () => {
    server.faults.launchdarkly = { delayMs: 1_200 }
    server.setLaunchDarkly(() => ({ late: { value: 'finally', variation: 4 } }))
    const onError = vi.fn()
    render(
      <FlagBridgeProvider
        launchdarkly={{ clientSideID: 'env-timeout', options: ldOptions(), timeoutMs: 300 }}
        onError={onError}
      >
        <Show flag="late" fallback="default" />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('late').textContent).toBe('default|-|-|loading')
    await waitFor(() => expect(screen.getByTestId('late').textContent).toBe('default|-|VENDOR_ERROR|ready'))
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'VENDOR_ERROR' }))
    await waitFor(() => expect(screen.getByTestId('late').textContent).toBe('finally|4|-|ready'), {
      timeout: 4_000,
    })
  })
})

describe('one failure, one report', () => {
  it('ConfigCat answering 500: onError hears it once, with ConfigCat’s reason', async () => {
    server.faults.configcat = { status: 500 }
    const onError = vi.fn()
    render(
      <FlagBridgeProvider
        configcat={{
          sdkKey: configCatSdkKey(),
          options: { baseUrl: server.baseUrl, logger: configCatQuiet },
        }}
        onError={onError}
      >
        <Show flag="new-checkout" fallback={false} />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(onError).toHaveBeenCalled())
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(onError.mock.calls.map(([error]) => [error.code, error.message])).toEqual([
      [
        'VENDOR_ERROR',
        '[flagbridge] ConfigCat could not fetch its config: Unexpected HTTP response was received while trying to fetch config JSON: 500 Internal Server Error',
      ],
    ])
    server.faults.configcat = undefined
  })
})
