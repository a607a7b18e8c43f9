import { useFlagBridge } from '@flagbridge/react'
import { type CSSProperties, useSyncExternalStore } from 'react'

const EXPOSURE_EVENTS = new Set(['Feature Flag Evaluated', 'Experiment Viewed'])
const nothing: readonly never[] = []
const list: CSSProperties = { fontSize: 12, fontFamily: 'monospace', margin: '4px 0 12px', paddingLeft: 18 }

/**
 * FlagBridge's side of an exposure, as the overlay's Events tab shows it: the flags shown but not
 * seen yet (and why), then each exposure's status per destination (sent, not an experiment, …).
 */
export function ExposureStatus() {
  const { bridge } = useFlagBridge()
  const waiting = useSyncExternalStore(bridge.waiting.subscribe, bridge.waiting.entries, () => nothing)
  const log = useSyncExternalStore(bridge.log.subscribe, bridge.log.entries, () => nothing)
  // The log is newest first; oldest first reads better here.
  const exposures = log.filter((entry) => EXPOSURE_EVENTS.has(entry.name)).reverse()
  return (
    <section aria-label="Exposure status" style={{ fontSize: 13 }}>
      <strong>Waiting to be seen</strong>
      <ul aria-label="Waiting to be seen" style={list}>
        {waiting.map((entry) => (
          <li key={entry.id}>
            {entry.key}: {entry.reason}
          </li>
        ))}
      </ul>
      {waiting.length === 0 ? <p style={{ ...list, paddingLeft: 0, color: '#777' }}>none</p> : null}
      <strong>Exposures</strong>
      <ul aria-label="Exposures" style={list}>
        {exposures.map((entry) => (
          <li key={entry.id} data-status={entry.status}>
            {entry.destination} · {entry.name} · {entry.flagKey}: {entry.status}
          </li>
        ))}
      </ul>
      {exposures.length === 0 ? <p style={{ ...list, paddingLeft: 0, color: '#777' }}>none yet</p> : null}
    </section>
  )
}
