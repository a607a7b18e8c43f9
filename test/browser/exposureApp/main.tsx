// The exposure-modes page: the real ConfigCat and LaunchDarkly SDKs, analytics-next and the Heap
// snippet, all talking to the vendor stand-in server (test/e2e/harness/vendorServer.ts) that
// serves this production build. Query: `cc` ConfigCat SDK key, `ld` LaunchDarkly environment,
// `seg` Segment write key, `heap` Heap environment, `exposures` and `events` the tracking options,
// `reasons=0` turns LaunchDarkly's evaluationReasons off, `flags` the keys the experiments section reads.
import { FlagBridgeProvider, TrackedFlag, useTrackedFlag } from '@flagbridge/react'
import { useState } from 'react'
import { createRoot } from 'react-dom/client'

const query = new URLSearchParams(location.search)
const origin = location.origin
const errors: string[] = []
;(window as unknown as { __errors: string[] }).__errors = errors

/** At the top of the page: visible at once. */
function Hero({ renders }: { renders: number }) {
  const { value, ref } = useTrackedFlag('hero-layout', 'classic', { expose: 'visible' })
  return (
    <header ref={ref} data-testid="hero" data-renders={renders} style={{ height: 200 }}>
      Hero: {value}
    </header>
  )
}

/** A closed menu: its flag is sent when the menu opens. */
function Menu() {
  const [open, setOpen] = useState(false)
  const { value, expose } = useTrackedFlag('menu-new-item', false, { expose: 'manual' })
  return (
    <nav>
      <button
        type="button"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open)
          if (!open) expose()
        }}
      >
        Menu
      </button>
      {open ? <ul data-testid="menu">{value ? <li>New item</li> : <li>Old item</li>}</ul> : null}
    </nav>
  )
}

/** Below the fold: sent once scrolled into view (the component form). */
function Promo() {
  return (
    <TrackedFlag flagKey="promo-banner" default={false} expose="visible" as="aside" data-testid="promo">
      {({ value, loading }) => (loading ? 'Loading…' : value ? 'The new promo' : 'The old promo')}
    </TrackedFlag>
  )
}

function Experiments() {
  const keys = (query.get('flags') ?? '').split(',').filter(Boolean)
  return (
    <ul data-testid="experiments">
      {keys.map((key) => (
        <ExperimentFlag key={key} flagKey={key} />
      ))}
    </ul>
  )
}

function ExperimentFlag({ flagKey }: { flagKey: string }) {
  const { value, loading } = useTrackedFlag(flagKey, 'default')
  return <li data-testid={`flag-${flagKey}`} data-loading={String(loading)}>{`${flagKey}=${value}`}</li>
}

function App() {
  const [renders, setRenders] = useState(0)
  const [mount, setMount] = useState(0)
  const cc = query.get('cc')
  const ld = query.get('ld')
  const seg = query.get('seg')
  const exposures = query.get('exposures') as 'all' | 'experiments' | null
  const events = query.get('events')?.split(',') as
    | Array<'Feature Flag Evaluated' | 'Experiment Viewed'>
    | undefined
  return (
    <FlagBridgeProvider
      configcat={
        cc ? { sdkKey: cc, options: { baseUrl: `${origin}/cc`, pollIntervalSeconds: 60 } } : undefined
      }
      launchdarkly={
        ld
          ? {
              clientSideID: ld,
              options: {
                baseUrl: `${origin}/ld`,
                streamUrl: `${origin}/ld-stream`,
                eventsUrl: `${origin}/ld-events`,
                streaming: false,
                evaluationReasons: query.get('reasons') !== '0',
              },
            }
          : undefined
      }
      segment={
        seg
          ? {
              writeKey: seg,
              settings: { cdnURL: `${origin}/seg-cdn` },
              options: {
                integrations: { 'Segment.io': { apiHost: `${location.host}/seg`, protocol: 'http' } },
              },
            }
          : undefined
      }
      heap={query.get('heap') ? {} : undefined}
      user={{ id: 'user-1', name: 'Ada' }}
      tracking={{ ...(exposures ? { exposures } : {}), ...(events ? { exposureEvents: events } : {}) }}
      onError={(error) => errors.push(`${error.code}: ${error.message}`)}
    >
      {query.get('flags') ? (
        <Experiments />
      ) : (
        <>
          <Hero key={mount} renders={renders} />
          <button type="button" onClick={() => setRenders(renders + 1)}>
            Re-render
          </button>
          <button type="button" onClick={() => setMount(mount + 1)}>
            Remount
          </button>
          <Menu />
          <div data-testid="spacer" style={{ height: 3000 }} />
          <Promo />
        </>
      )}
    </FlagBridgeProvider>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
