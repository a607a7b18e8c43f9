import type { FlagProvider, FlagStore, FlagValue } from '@flagbridge/core'
import { useState } from 'react'
import { setOverlayOverride } from './overridePersistence'

type Kind = 'boolean' | 'string' | 'number' | 'json'

function kindOf(value: unknown): Kind {
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number') return 'number'
  return 'json'
}

/** Text in the editor → a flag value, or the reason it isn't one. */
function parseInput(kind: Kind, text: string): { value: FlagValue } | { error: string } {
  if (kind === 'string') return { value: text }
  if (kind === 'number') {
    const number = Number(text)
    return text.trim() !== '' && Number.isFinite(number) ? { value: number } : { error: 'Enter a number.' }
  }
  try {
    return { value: JSON.parse(text) as FlagValue }
  } catch (error) {
    return { error: `Invalid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
}

const toEditable = (kind: Kind, value: unknown) =>
  kind === 'string'
    ? String(value ?? '')
    : (JSON.stringify(value, null, kind === 'json' ? 2 : undefined) ?? '')

/** Override buttons for one row: flip a boolean, edit text/number/JSON, clear. */
export function OverrideControls({
  store,
  flagKey,
  provider,
  value,
  overridden,
}: {
  store: FlagStore
  flagKey: string
  provider: FlagProvider | undefined
  value: unknown
  overridden: boolean
}) {
  const kind = kindOf(value)
  const [draft, setDraft] = useState<string | undefined>(undefined)
  const where = provider ? ` (${provider})` : ''
  const set = (next: FlagValue) => setOverlayOverride(store, { key: flagKey, provider, value: next })

  if (draft !== undefined) {
    const parsed = parseInput(kind, draft)
    const error = 'error' in parsed ? parsed.error : undefined
    const label = `Override value for ${flagKey}${where}`
    return (
      <form
        className="editor"
        onSubmit={(event) => {
          event.preventDefault()
          if ('value' in parsed) {
            set(parsed.value)
            setDraft(undefined)
          }
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            // Closes the editor, not the whole panel.
            event.stopPropagation()
            setDraft(undefined)
          }
        }}
      >
        {kind === 'json' ? (
          <textarea
            className="field"
            aria-label={label}
            aria-invalid={error !== undefined}
            rows={4}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        ) : (
          <input
            className="field"
            aria-label={label}
            aria-invalid={error !== undefined}
            inputMode={kind === 'number' ? 'decimal' : undefined}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        )}
        {error && (
          <span className="invalid" role="alert">
            {error}
          </span>
        )}
        <div className="actions">
          <button type="submit" className="btn" disabled={error !== undefined}>
            Save
          </button>
          <button type="button" className="btn" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
        </div>
      </form>
    )
  }

  return (
    <div className="actions">
      {kind === 'boolean' ? (
        <button
          type="button"
          className="btn"
          aria-label={`Set ${String(!value)}: ${flagKey}${where}`}
          onClick={() => set(!value)}
        >
          Set {String(!value)}
        </button>
      ) : (
        <button
          type="button"
          className="btn"
          aria-label={`Edit: ${flagKey}${where}`}
          onClick={() => setDraft(toEditable(kind, value))}
        >
          Edit
        </button>
      )}
      {overridden && (
        <button
          type="button"
          className="btn"
          aria-label={`Clear override: ${flagKey}${where}`}
          onClick={() => {
            store.clearOverride(flagKey, provider)
            // An override set for any vendor (useFlagBridge().setOverride without provider) shows here too.
            store.clearOverride(flagKey)
          }}
        >
          Clear override
        </button>
      )}
    </div>
  )
}
