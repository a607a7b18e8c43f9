import type { FlagBridge } from '@flagbridge/core'
import { useSyncExternalStore } from 'react'
import { formatTime } from './formatValue'

/**
 * Flags on screen that are not exposures yet (`expose: 'visible'` or `'manual'`), and why:
 * "not yet visible", "waiting for expose()". Nothing is listed when nothing waits.
 */
export function WaitingExposures({ bridge }: { bridge: FlagBridge }) {
  const { waiting } = bridge
  const all = useSyncExternalStore(waiting.subscribe, waiting.entries, waiting.entries)
  // An overridden flag is sent only with tracking.trackOverrides (off unless `true`): else nothing waits.
  const unsent = (key: string, provider: string | undefined) =>
    bridge.trackingOptions()?.trackOverrides !== true &&
    bridge.store
      .overrides()
      .some((override) => override.key === key && (override.provider ?? provider) === provider)
  const entries = all.filter((entry) => !unsent(entry.key, entry.provider))
  if (entries.length === 0) return null
  return (
    <ul className="list" aria-label="Waiting exposures">
      {entries.map((entry) => (
        <li key={entry.id} className="row" data-status="waiting">
          <div className="line">
            <span className="meta">{formatTime(entry.since)}</span>
            {entry.provider && <span className="badge">{entry.provider}</span>}
            <span className="key">{entry.key}</span>
            <span className="badge" data-kind="waiting">
              {entry.reason}
            </span>
          </div>
        </li>
      ))}
    </ul>
  )
}
