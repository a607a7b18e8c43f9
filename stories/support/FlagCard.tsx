import { type FlagValue, type UseTrackedFlagOptions, useTrackedFlag } from '@flagbridge/react'
import { useRef } from 'react'

export interface FlagCardProps {
  flagKey: string
  defaultValue: FlagValue
  options?: UseTrackedFlagOptions
  label?: string
}

/** Reads one flag with `useTrackedFlag` and shows everything the hook returns, with a render count. */
export function FlagCard({ flagKey, defaultValue, options, label }: FlagCardProps) {
  const flag = useTrackedFlag(flagKey, defaultValue as never, options)
  const renders = useRef(0)
  renders.current++
  const state = flag.loading
    ? 'loading'
    : flag.error
      ? 'error'
      : flag.overridden
        ? 'overridden'
        : flag.isDefault
          ? 'default'
          : 'served'
  return (
    <article
      aria-label={label ?? flagKey}
      data-state={state}
      style={{ border: '1px solid #ccc', borderRadius: 6, padding: 8, marginBottom: 8, fontSize: 13 }}
    >
      <header style={{ fontWeight: 600 }}>
        {label ?? flagKey} <code>{flagKey}</code>
      </header>
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '2px 8px', margin: '4px 0 0' }}>
        <dt>value</dt>
        <dd data-testid="value" style={{ margin: 0, wordBreak: 'break-all' }}>
          {JSON.stringify(flag.value)}
        </dd>
        <dt>state</dt>
        <dd data-testid="state" style={{ margin: 0 }}>
          {state}
        </dd>
        <dt>source</dt>
        <dd data-testid="source" style={{ margin: 0 }}>
          {flag.source ?? '–'}
        </dd>
        <dt>variation</dt>
        <dd data-testid="variation" style={{ margin: 0 }}>
          {flag.variationId ?? '–'}
        </dd>
        <dt>reason</dt>
        <dd style={{ margin: 0 }}>{flag.reason ?? '–'}</dd>
        <dt>error</dt>
        <dd data-testid="error" style={{ margin: 0 }}>
          {flag.error ? `${flag.error.code}: ${flag.error.message}` : '–'}
        </dd>
        <dt>renders</dt>
        <dd data-testid="renders" style={{ margin: 0 }}>
          {renders.current}
        </dd>
      </dl>
    </article>
  )
}
