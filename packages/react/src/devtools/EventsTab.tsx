import type { EventLogEntry, EventStatus, FlagBridge } from '@flagbridge/core'
import { memo, useMemo, useState, useSyncExternalStore } from 'react'
import { formatTime, formatValue } from './formatValue'
import { PAGE_SIZE, ShowMore } from './ShowMore'
import { FilterSelect, SearchField } from './ToolbarFields'
import { WaitingExposures } from './WaitingExposures'

const STATUSES: EventStatus[] = [
  'sent',
  'queued',
  'deduplicated',
  'waiting-for-consent',
  'failed',
  'dropped',
  'not-an-experiment',
]
const STATUS_OPTIONS: ReadonlyArray<readonly [EventStatus | 'all', string]> = [
  ['all', 'Any status'],
  ...STATUSES.map((name) => [name, name] as const),
]

const EventItem = memo(function EventItem({ entry }: { entry: EventLogEntry }) {
  return (
    <li className="row" data-status={entry.status}>
      <div className="line">
        <span className="meta">{formatTime(entry.time)}</span>
        <span className="badge">{entry.destination}</span>
        <span className="key">{entry.name}</span>
        <span className="badge" data-kind={entry.status}>
          {entry.status === 'not-an-experiment' ? 'not an experiment' : entry.status}
        </span>
      </div>
      {entry.flagKey !== undefined && <div className="meta">flag {entry.flagKey}</div>}
      {entry.error && <div className="error">{entry.error.message}</div>}
      {entry.payload !== undefined && (
        <details>
          <summary>Properties</summary>
          <pre className="json">{formatValue(entry.payload, 2)}</pre>
        </details>
      )}
    </li>
  )
})

function matches(entry: EventLogEntry, needle: string) {
  return (
    entry.name.toLowerCase().includes(needle) ||
    entry.destination.toLowerCase().includes(needle) ||
    (entry.flagKey?.toLowerCase().includes(needle) ?? false)
  )
}

/** The live log of what went (or waits to go) to each destination, newest first. */
export function EventsTab({ bridge }: { bridge: FlagBridge }) {
  const { log } = bridge
  const entries = useSyncExternalStore(log.subscribe, log.entries, log.entries)
  const [query, setQuery] = useState('')
  const [status, setStatus] = useState<EventStatus | 'all'>('all')
  const [limit, setLimit] = useState(PAGE_SIZE)
  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase()
    if (!needle && status === 'all') return entries
    return entries.filter(
      (entry) => (status === 'all' || entry.status === status) && (!needle || matches(entry, needle)),
    )
  }, [entries, query, status])

  return (
    <>
      <div className="tools">
        <SearchField
          label="Search events by name, flag or destination"
          placeholder="Search events"
          value={query}
          onChange={(next) => {
            setQuery(next)
            setLimit(PAGE_SIZE)
          }}
        />
        <FilterSelect label="Filter by status" value={status} options={STATUS_OPTIONS} onChange={setStatus} />
        <button type="button" className="btn" onClick={() => log.clear()} disabled={entries.length === 0}>
          Clear log
        </button>
      </div>
      <WaitingExposures bridge={bridge} />
      <p className="count" aria-live="polite">
        {shown.length} of {entries.length} events
      </p>
      {shown.length === 0 ? (
        <p className="empty">No events yet.</p>
      ) : (
        <ul className="list" aria-label="Events">
          {shown.slice(0, limit).map((entry) => (
            <EventItem key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      <ShowMore total={shown.length} limit={limit} onMore={() => setLimit(limit + PAGE_SIZE)} what="events" />
    </>
  )
}
