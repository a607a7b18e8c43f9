import { FlagBridgeProvider, type FlagBridgeProviderProps, useTrackedFlag } from '@flagbridge/react'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { configCatOffline, configCatSdkKey } from './fixtures'

function Show() {
  const { value } = useTrackedFlag('beta', false)
  return <p>{String(value)}</p>
}

let warn: MockInstance
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  warn.mockRestore()
  vi.unstubAllEnvs()
})

const warnings = () => warn.mock.calls.map(([message]) => String(message))

describe('segment, heap and tracking are read once: a change warns once in development', () => {
  const sdkKey = configCatSdkKey()
  const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
  // Consent off: Segment and Heap are never loaded, whatever the props say.
  const view = (props: Partial<FlagBridgeProviderProps>) => (
    <FlagBridgeProvider configcat={{ sdkKey, options: configcat.options }} {...props}>
      <Show />
    </FlagBridgeProvider>
  )

  it('names the prop and the fix, once per prop; equal inline props are silent', () => {
    const segment = (writeKey: string) => ({
      writeKey,
      settings: { cdnURL: 'http://127.0.0.1:9' },
      options: { integrations: { 'Segment.io': { apiHost: '127.0.0.1:9' } }, plugins: [{ load() {} }] },
    })
    const { rerender } = render(
      view({ segment: segment('wk-1'), tracking: { dedupe: 'session', consent: false } }),
    )
    rerender(view({ segment: segment('wk-1'), tracking: { dedupe: 'session', consent: false } }))
    expect(warnings()).toEqual([])

    rerender(view({ segment: segment('wk-1'), tracking: { dedupe: 'page', consent: false } }))
    rerender(view({ segment: segment('wk-1'), tracking: { dedupe: 'none', consent: false } }))
    expect(warnings()).toEqual([
      '[flagbridge] <FlagBridgeProvider> tracking.dedupe changed after mount and the change is ignored: it is read once, when the provider mounts. To apply it, give <FlagBridgeProvider> a new `key` (for example one derived from the new value) so it remounts.',
    ])

    rerender(
      view({
        segment: segment('wk-2'),
        heap: {},
        tracking: { dedupe: 'none', consent: false, enabled: false },
      }),
    )
    expect(warnings().map((message) => message.split(' changed')[0])).toEqual([
      '[flagbridge] <FlagBridgeProvider> tracking.dedupe',
      '[flagbridge] <FlagBridgeProvider> segment',
      '[flagbridge] <FlagBridgeProvider> heap',
      '[flagbridge] <FlagBridgeProvider> tracking.enabled',
    ])
  })

  it('consent is followed, not read once: no warning', () => {
    const { rerender } = render(view({ tracking: { consent: false } }))
    rerender(view({ tracking: { consent: true } }))
    rerender(view({ tracking: { consent: false } }))
    expect(warnings()).toEqual([])
  })

  it('says nothing in production builds (the hook is chosen when the module loads)', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.resetModules()
    const production = await import('@flagbridge/react')
    const { rerender } = render(
      <production.FlagBridgeProvider tracking={{ dedupe: 'session', consent: false }}>
        <p>app</p>
      </production.FlagBridgeProvider>,
    )
    rerender(
      <production.FlagBridgeProvider tracking={{ dedupe: 'page', consent: false }}>
        <p>app</p>
      </production.FlagBridgeProvider>,
    )
    expect(warnings()).toEqual([])
  })

  it('TestFlagBridgeProvider warns the same way', () => {
    const { rerender } = render(
      <TestFlagBridgeProvider flags={{ beta: true }} tracking={{ dedupe: 'page' }}>
        <Show />
      </TestFlagBridgeProvider>,
    )
    rerender(
      <TestFlagBridgeProvider flags={{ beta: true }} tracking={{ dedupe: 'none' }}>
        <Show />
      </TestFlagBridgeProvider>,
    )
    expect(warnings().map((message) => message.split(' changed')[0])).toEqual([
      '[flagbridge] <TestFlagBridgeProvider> tracking.dedupe',
    ])
  })
})
