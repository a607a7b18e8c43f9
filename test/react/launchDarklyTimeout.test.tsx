import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FlagBridgeProvider, type LaunchDarklyConfig, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen } from '@testing-library/react'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest'

// LaunchDarkly's evalx endpoint, never answering: the client waits until its timeout.
const server = createServer(() => {})
let baseUrl = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})

let warn: MockInstance
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  // Only timers: the client's request is real I/O, its timeout a timer this test moves.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
  warn.mockRestore()
})

function Show() {
  const { value, error, loading } = useTrackedFlag('banner', 'default', { source: 'launchdarkly' })
  return (
    <p data-testid="banner">
      {value}|{error?.code ?? '-'}|{loading ? 'loading' : 'ready'}
    </p>
  )
}

let ids = 0
function renderWith(
  timing: Pick<Extract<LaunchDarklyConfig, { clientSideID: string }>, 'timeoutMs' | 'timeout'>,
) {
  render(
    <FlagBridgeProvider
      launchdarkly={{
        clientSideID: `ld-timeout-${++ids}`,
        ...timing,
        options: {
          baseUrl,
          streaming: false,
          sendEvents: false,
          fetchGoals: false,
          diagnosticOptOut: true,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        },
      }}
    >
      <Show />
    </FlagBridgeProvider>,
  )
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))
const warnings = () => warn.mock.calls.map(([message]) => String(message))

describe('launchdarkly.timeoutMs: milliseconds, like every FlagBridge duration', () => {
  it('timeoutMs: 100 gives up after 100 ms, not 100 s or the 5 s default', async () => {
    renderWith({ timeoutMs: 100 })
    await advance(90)
    expect(screen.getByTestId('banner').textContent).toBe('default|-|loading')
    await advance(20)
    expect(screen.getByTestId('banner').textContent).toBe('default|VENDOR_ERROR|ready')
    expect(warnings()).toEqual([])
  })

  it('the deprecated timeout is still seconds, with a warning naming timeoutMs', async () => {
    renderWith({ timeout: 0.1 })
    await advance(90)
    expect(screen.getByTestId('banner').textContent).toBe('default|-|loading')
    await advance(20)
    expect(screen.getByTestId('banner').textContent).toBe('default|VENDOR_ERROR|ready')
    expect(warnings()).toEqual([
      '[flagbridge] launchdarkly.timeout is in seconds and deprecated: write timeoutMs: 100 (milliseconds, like every FlagBridge duration).',
    ])
  })

  it('timeoutMs wins over timeout', async () => {
    renderWith({ timeoutMs: 100, timeout: 60 })
    await advance(110)
    expect(screen.getByTestId('banner').textContent).toBe('default|VENDOR_ERROR|ready')
  })
})
