import type { FlagBridge, FlagProvider } from '@flagbridge/core'
import { type ReactNode, useMemo } from 'react'
import { formatTime } from './formatValue'
import { useChangeTick } from './useChangeTick'

const VENDORS: Array<[FlagProvider, string]> = [
  ['configcat', 'ConfigCat'],
  ['launchdarkly', 'LaunchDarkly'],
]

function Status({ name, status, children }: { name: string; status: string; children?: ReactNode }) {
  return (
    <li className="row">
      <div className="line">
        <span className="dot" data-status={status} aria-hidden="true" />
        <span className="key">{name}</span>
        <span className="badge" data-kind={status}>
          {status}
        </span>
      </div>
      {children}
    </li>
  )
}

/** Each vendor's and destination's state, the last config fetch, and the send queues. */
export function HealthTab({ bridge }: { bridge: FlagBridge }) {
  const { tracker, store } = bridge
  const sources = useMemo(
    () => [store.subscribeAll, bridge.log.subscribe, tracker.subscribeDestinations],
    [bridge, store, tracker],
  )
  useChangeTick(sources)
  const pending = tracker.pending()
  const online = typeof navigator === 'undefined' || navigator.onLine !== false

  return (
    <>
      <section className="section" aria-label="Flag vendors">
        <h3>Flag vendors</h3>
        <ul className="list">
          {VENDORS.map(([provider, name]) => {
            const vendor = store.vendor(provider)
            if (!vendor) return <Status key={provider} name={name} status="off" />
            let state: ReturnType<typeof vendor.state>
            try {
              state = vendor.state()
            } catch (error) {
              state = { status: 'error' }
              void error
            }
            const status = !online && state.status !== 'ready' ? 'offline' : state.status
            return (
              <Status key={provider} name={name} status={status}>
                <div className="meta">
                  {vendor.keys().length} flags · config fetched {formatTime(state.fetchedAt)}
                </div>
                {state.error && <div className="error">{state.error.message}</div>}
              </Status>
            )
          })}
        </ul>
      </section>
      <section className="section" aria-label="Analytics destinations">
        <h3>Analytics destinations</h3>
        {tracker.destinations.length === 0 && <p className="meta">None configured (nothing is sent).</p>}
        <ul className="list">
          {tracker.destinations.map((destination) => {
            let state: ReturnType<typeof destination.state>
            try {
              state = destination.state()
            } catch {
              state = { status: 'error' }
            }
            return (
              <Status key={destination.name} name={destination.name} status={state.status}>
                <div className="meta">{pending[destination.name] ?? 0} calls waiting</div>
                {state.error && <div className="error">{state.error.message}</div>}
              </Status>
            )
          })}
        </ul>
        <p className="meta">
          Consent {tracker.consent() ? 'given' : 'not given (calls wait)'} · sent {tracker.stats.sent} ·
          deduplicated {tracker.stats.deduplicated} · failed {tracker.stats.failed} · dropped{' '}
          {tracker.stats.dropped} · browser {online ? 'online' : 'offline'}
        </p>
      </section>
    </>
  )
}
