import type { CSSProperties } from 'react'
import type { Demo } from './demo'
import { type ReceivedEvent, type SegmentEvent, useReceived } from './receivedLog'

const runtimeLabel: Record<Demo['runtime'], string> = {
  'stand-in': 'real SDKs ↔ the Storybook dev server’s vendor stand-in',
  'sdk-offline': 'real SDKs, offline data (static build)',
  static: '@flagbridge/react/testing static vendors (static build)',
}

/** A track's properties in one line: Feature Flag Evaluated's, or Experiment Viewed's. */
function trackSummary(p: Record<string, unknown>): string {
  if ('experiment_id' in p) return `${p.experiment_id} · variation ${p.variation_id} (${p.variation_name})`
  return `${p.feature_flag_key} = ${JSON.stringify(p.value)} · variation ${p.variation_id ?? '–'} · ${p.flag_provider}`
}

function summary(entry: ReceivedEvent): string {
  if (entry.destination === 'segment') {
    const event = entry.payload as SegmentEvent
    if (event.type === 'track') return trackSummary(event.properties ?? {})
    if (event.type === 'identify') return `userId ${event.userId}`
    return ''
  }
  const args = entry.payload as unknown[]
  if (entry.name === 'track') return `${args[0]}: ${trackSummary((args[1] ?? {}) as Record<string, unknown>)}`
  return args.map((arg) => JSON.stringify(arg)).join(', ')
}

const column: CSSProperties = { flex: 1, minWidth: 0 }
const list: CSSProperties = {
  listStyle: 'none',
  padding: 0,
  margin: 0,
  fontSize: 12,
  fontFamily: 'monospace',
}

/** What Segment and Heap received, one row per call, as it arrives. */
export function ReceivedPanel({ demo }: { demo: Demo }) {
  const entries = useReceived(demo.received)
  const render = (destination: 'segment' | 'heap', title: string) => {
    const rows = entries.filter((entry) => entry.destination === destination)
    return (
      <section style={column} aria-label={`${title} received`}>
        <h3 style={{ margin: '0 0 4px', fontSize: 14 }}>
          {title} received <span data-testid={`${destination}-count`}>{rows.length}</span>
        </h3>
        <ol style={list}>
          {rows.map((entry) => (
            <li key={entry.id} data-destination={destination} data-name={entry.name}>
              <strong>{entry.name}</strong> {summary(entry)}
            </li>
          ))}
        </ol>
      </section>
    )
  }
  return (
    <aside
      aria-label="Received events"
      style={{ borderLeft: '2px solid #ddd', paddingLeft: 12, display: 'flex', gap: 12, flex: 1 }}
    >
      <div style={{ width: '100%' }}>
        <p style={{ margin: '0 0 8px', fontSize: 12, color: '#555' }}>
          Vendors: <span data-testid="runtime">{runtimeLabel[demo.runtime]}</span>
        </p>
        <div style={{ display: 'flex', gap: 12 }}>
          {render('segment', 'Segment')}
          {render('heap', 'Heap')}
        </div>
      </div>
    </aside>
  )
}

/** The story's component on the left, what was received on the right. */
export function DemoLayout({ demo, children }: { demo: Demo; children: React.ReactNode }) {
  return (
    <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start', fontFamily: 'system-ui, sans-serif' }}>
      <main style={{ flex: 1, minWidth: 0 }}>{children}</main>
      <ReceivedPanel demo={demo} />
    </div>
  )
}
