import type { FlagBridge, FlagProvider } from '@flagbridge/core'
import { useMemo, useState } from 'react'
import { collectFlagRows, type FlagRow, type FlagStateFilter, filterFlagRows } from './flagRows'
import { formatTime, formatValue } from './formatValue'
import { OverrideControls } from './OverrideControls'
import { PAGE_SIZE, ShowMore } from './ShowMore'
import { FilterSelect, SearchField } from './ToolbarFields'
import { useChangeTick } from './useChangeTick'

const VENDOR_OPTIONS: ReadonlyArray<readonly [FlagProvider | 'all', string]> = [
  ['all', 'All vendors'],
  ['configcat', 'ConfigCat'],
  ['launchdarkly', 'LaunchDarkly'],
]
const STATE_OPTIONS: ReadonlyArray<readonly [FlagStateFilter, string]> = [
  ['all', 'Any state'],
  ['evaluated', 'Evaluated'],
  ['unused', 'Not evaluated'],
  ['default', 'Default served'],
  ['overridden', 'Overridden'],
  ['error', 'Error'],
]

function FlagItem({
  row,
  bridge,
  allowOverrides,
}: {
  row: FlagRow
  bridge: FlagBridge
  allowOverrides: boolean
}) {
  return (
    <li className="row" data-flag-key={row.key}>
      <div className="line">
        <span className="key">{row.key}</span>
        <span className="badge">{row.provider ?? 'no vendor'}</span>
        {row.overridden && (
          <span className="badge" data-kind="overridden">
            overridden
          </span>
        )}
        {row.isDefault && !row.overridden && (
          <span className="badge" data-kind="default">
            default served
          </span>
        )}
      </div>
      <p className="value">{formatValue(row.value)}</p>
      <div className="meta">
        variation {row.variationId ?? '—'} · reason {row.reason ?? '—'} · evaluated {row.count}× · last{' '}
        {formatTime(row.lastEvaluatedAt)}
      </div>
      {row.error && <div className="error">{row.error}</div>}
      {allowOverrides && (
        <OverrideControls
          store={bridge.store}
          flagKey={row.key}
          provider={row.provider}
          value={row.value}
          overridden={row.overridden}
        />
      )}
    </li>
  )
}

/** Every known and evaluated flag, searchable, with override controls. */
export function FlagsTab({ bridge, allowOverrides }: { bridge: FlagBridge; allowOverrides: boolean }) {
  const sources = useMemo(() => [bridge.store.subscribeAll, bridge.subscribeEvaluationStats], [bridge])
  const tick = useChangeTick(sources)
  const rows = useMemo(() => collectFlagRows(bridge), [bridge, tick])
  const [query, setQuery] = useState('')
  const [provider, setProvider] = useState<FlagProvider | 'all'>('all')
  const [state, setState] = useState<FlagStateFilter>('all')
  const [limit, setLimit] = useState(PAGE_SIZE)
  const shown = useMemo(() => filterFlagRows(rows, query, provider, state), [rows, query, provider, state])
  const overrides = bridge.store.overrides().length

  return (
    <>
      <div className="tools">
        <SearchField
          label="Search flags by key"
          placeholder="Search keys"
          value={query}
          onChange={(next) => {
            setQuery(next)
            setLimit(PAGE_SIZE)
          }}
        />
        <FilterSelect
          label="Filter by vendor"
          value={provider}
          options={VENDOR_OPTIONS}
          onChange={setProvider}
        />
        <FilterSelect label="Filter by state" value={state} options={STATE_OPTIONS} onChange={setState} />
        {allowOverrides && overrides > 0 && (
          <button type="button" className="btn" onClick={() => bridge.store.clearOverrides()}>
            Clear all overrides ({overrides})
          </button>
        )}
      </div>
      <p className="count" aria-live="polite">
        {shown.length} of {rows.length} flags
      </p>
      {shown.length === 0 ? (
        <p className="empty">No flags match.</p>
      ) : (
        <ul className="list" aria-label="Flags">
          {shown.slice(0, limit).map((row) => (
            <FlagItem key={row.id} row={row} bridge={bridge} allowOverrides={allowOverrides} />
          ))}
        </ul>
      )}
      <ShowMore total={shown.length} limit={limit} onMore={() => setLimit(limit + PAGE_SIZE)} what="flags" />
    </>
  )
}
