// The overlay's browser page: the real ConfigCat, LaunchDarkly and analytics-next SDKs,
// offline, built by Vite in production mode. Query: `enabled` passes enabled={true},
// `open` opens the panel, `hostile` adds a page stylesheet that tries to restyle it,
// `perf` renders 1,000 flags and 5,000 log entries instead.
import { prepareConfig } from '@configcat/sdk'
import { createEventLog, type FlagBridge } from '@flagbridge/core'
import { FlagBridgeProvider, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { FlagDebugOverlay } from '@flagbridge/react/devtools'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { createRoot } from 'react-dom/client'
import { capturingSegment } from '../../react/fixtures'

const query = new URLSearchParams(location.search)
const segment = capturingSegment('overlay-test')
const captured = segment.events
const heapCalls: Array<[string, ...unknown[]]> = []
const page = window as unknown as {
  __segment: typeof captured
  __heap: typeof heapCalls
  __bridge?: FlagBridge
}
page.__segment = captured
page.__heap = heapCalls

if (query.has('hostile')) {
  const style = document.createElement('style')
  style.textContent = '* { color: red !important; font-size: 40px } button { all: unset !important }'
  document.head.append(style)
}

const { analytics } = segment

const heapApi = { loaded: true } as Record<string, unknown>
for (const name of [
  'identify',
  'resetIdentity',
  'addUserProperties',
  'addEventProperties',
  'removeEventProperty',
  'track',
])
  heapApi[name] = (...args: unknown[]) => heapCalls.push([name, ...args])
heapApi.getIdentity = () => 'user-1'
heapApi.getUserId = () => '8412349'

const config = {
  p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' },
  f: {
    'new-checkout': { t: 0, v: { b: true }, i: 'cc-checkout-on' },
    'banner-text': { t: 1, v: { s: '<img src=x onerror=alert(1)>' }, i: 'cc-banner-1' },
    'max-items': { t: 2, v: { i: 12 }, i: 'cc-max-12' },
    'dark-mode': { t: 0, v: { b: false }, i: 'cc-dark-off' },
  },
}
const ld = (flags: Record<string, { value: unknown; variation: number }>) => {
  const bootstrap: Record<string, unknown> = { $valid: true, $flagsState: {} }
  for (const [key, { value, variation }] of Object.entries(flags)) {
    bootstrap[key] = value
    ;(bootstrap.$flagsState as Record<string, unknown>)[key] = {
      variation,
      version: 1,
      reason: { kind: 'FALLTHROUGH' },
    }
  }
  return bootstrap
}
const dead = `${location.origin}/ld-offline`

function Flag({ flag, fallback }: { flag: string; fallback: boolean | string | number | object }) {
  const { value, overridden, source } = useTrackedFlag(flag, fallback as never)
  return (
    <li data-testid={flag}>
      {flag}: {typeof value === 'object' ? JSON.stringify(value) : String(value)}
      {overridden ? ' (overridden)' : ''} · {source}
    </li>
  )
}

function Grab() {
  page.__bridge = useFlagBridge().bridge
  return null
}

const overlay = (
  <FlagDebugOverlay
    enabled={query.has('enabled') ? true : undefined}
    defaultOpen={query.has('open')}
    position={(query.get('position') as 'bottom-right') ?? 'bottom-right'}
  />
)

function App() {
  return (
    <FlagBridgeProvider
      configcat={{
        sdkKey: 'configcat-sdk-1/overlay-browser-test-1/yyyyyyyyyyyyyyyyyyyyyy',
        options: {
          flagOverrides: {
            dataSource: { getOverrides: () => prepareConfig(config as never).f as never },
            behaviour: 0,
          },
        } as never,
      }}
      launchdarkly={{
        clientSideID: 'overlay-env',
        options: {
          bootstrap: ld({
            'new-nav': { value: true, variation: 0 },
            'checkout-layout': { value: { columns: 2, theme: 'compact' }, variation: 1 },
          }),
          baseUrl: dead,
          eventsUrl: dead,
          streamUrl: dead,
          streaming: false,
          sendEvents: false,
          fetchGoals: false,
          diagnosticOptOut: true,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        } as never,
      }}
      segment={{ analytics }}
      heap={{ api: heapApi as never }}
      user={{
        id: 'user-1',
        email: 'ada@example.com',
        name: 'Ada',
        country: 'GB',
        attributes: { plan: 'pro', ssn: '123-45-6789' },
        privateAttributes: ['email', 'ssn'],
      }}
    >
      <Grab />
      <main>
        <h1>Shop</h1>
        <p id="page-text">Page text the overlay must not restyle.</p>
        <ul>
          <Flag flag="new-checkout" fallback={false} />
          <Flag flag="banner-text" fallback="" />
          <Flag flag="max-items" fallback={0} />
          <Flag flag="new-nav" fallback={false} />
          <Flag flag="checkout-layout" fallback={{}} />
        </ul>
      </main>
      {overlay}
    </FlagBridgeProvider>
  )
}

const thousandFlags = Object.fromEntries(
  Array.from({ length: 1_000 }, (_, index) => [
    `flag-${String(index).padStart(4, '0')}`,
    { value: index % 2 === 0, variationId: `v${index}` },
  ]),
)

function Perf() {
  return (
    <TestFlagBridgeProvider flags={thousandFlags}>
      <Grab />
      {overlay}
    </TestFlagBridgeProvider>
  )
}

if (query.has('perf')) {
  createRoot(document.getElementById('root')!).render(<Perf />)
  // The bridge's own log keeps 500 entries; a 5,000-entry log stands in for the measurement.
  ;(window as unknown as { __fillLog(): void }).__fillLog = () => {
    const log = createEventLog(5_000)
    for (let index = 0; index < 5_000; index++)
      log.add({
        destination: index % 2 ? 'segment' : 'heap',
        name: 'Feature Flag Evaluated',
        payload: { properties: { feature_flag_key: `flag-${index}`, value: index % 3 === 0 } },
        flagKey: `flag-${index}`,
        status: 'sent',
        error: undefined,
      })
    if (page.__bridge) (page.__bridge as { log: typeof log }).log = log
  }
} else {
  createRoot(document.getElementById('root')!).render(<App />)
}
