import type { FlagBridge } from '@flagbridge/core'
import { type KeyboardEvent, type RefObject, useId, useLayoutEffect, useRef, useState } from 'react'
import { EventsTab } from './EventsTab'
import { FlagsTab } from './FlagsTab'
import { HealthTab } from './HealthTab'
import { IdentityTab } from './IdentityTab'

/** The overlay's tabs, in order. */
export type OverlayTab = 'flags' | 'events' | 'identity' | 'health'

const TABS: Array<[OverlayTab, string]> = [
  ['flags', 'Flags'],
  ['events', 'Events'],
  ['identity', 'Identity'],
  ['health', 'Health'],
]

/** The dialog: a tab list (arrow keys, Home, End) and the active tab's panel. */
export function OverlayPanel({
  bridge,
  id,
  defaultTab,
  allowOverrides,
  onClose,
  restoreFocusTo,
}: {
  bridge: FlagBridge
  id: string
  defaultTab: OverlayTab
  allowOverrides: boolean
  onClose: () => void
  restoreFocusTo: RefObject<HTMLButtonElement | null>
}) {
  const [tab, setTab] = useState<OverlayTab>(defaultTab)
  const tabRefs = useRef<Partial<Record<OverlayTab, HTMLButtonElement | null>>>({})
  const prefix = useId()

  const panelRef = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    // Opening moves focus into the dialog; closing hands it back to the launcher if it was inside.
    tabRefs.current[defaultTab]?.focus()
    const panel = panelRef.current
    return () => {
      const root = panel?.getRootNode() as Document | ShadowRoot | undefined
      if (panel && root?.activeElement && panel.contains(root.activeElement)) restoreFocusTo.current?.focus()
    }
  }, [defaultTab, restoreFocusTo])

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.findIndex(([name]) => name === tab)
    let next: number | undefined
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length
    else if (event.key === 'ArrowLeft') next = (index - 1 + TABS.length) % TABS.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = TABS.length - 1
    if (next === undefined) return
    event.preventDefault()
    const [name] = TABS[next]!
    setTab(name)
    tabRefs.current[name]?.focus()
  }

  return (
    <div
      ref={panelRef}
      className="panel"
      id={id}
      role="dialog"
      aria-label="FlagBridge devtools"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          onClose()
        }
      }}
    >
      <div className="head">
        <h2 className="title">FlagBridge</h2>
        <button type="button" className="icon" aria-label="Close FlagBridge devtools" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="tabs" role="tablist" aria-label="FlagBridge devtools sections">
        {TABS.map(([name, label]) => (
          <button
            key={name}
            ref={(element) => {
              tabRefs.current[name] = element
            }}
            type="button"
            role="tab"
            className="tab"
            id={`${prefix}-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`${prefix}-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            onKeyDown={onTabKeyDown}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        className="tabpanel"
        role="tabpanel"
        id={`${prefix}-panel-${tab}`}
        aria-labelledby={`${prefix}-tab-${tab}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a focusable tabpanel is the ARIA tabs pattern
        tabIndex={0}
      >
        {tab === 'flags' && <FlagsTab bridge={bridge} allowOverrides={allowOverrides} />}
        {tab === 'events' && <EventsTab bridge={bridge} />}
        {tab === 'identity' && <IdentityTab bridge={bridge} />}
        {tab === 'health' && <HealthTab bridge={bridge} />}
      </div>
    </div>
  )
}
