import type { FlagBridge } from '@flagbridge/core'
import { type ComponentPropsWithoutRef, useContext, useEffect, useId, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { FlagBridgeContext, useBridge } from '../FlagBridgeContext'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'
import { HealthDot } from './HealthDot'
import { OverlayPanel, type OverlayTab } from './OverlayPanel'
import { overlayStyles } from './overlayStyles'
import { syncPersistedOverrides } from './overridePersistence'
import { matchesShortcut, parseShortcut } from './shortcut'
import { useShadowContainer } from './useShadowContainer'

/** Where the launcher (and the panel above or below it) sits. */
export type FlagDebugOverlayPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

export interface FlagDebugOverlayProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** Controlled open state of the panel. */
  open?: boolean
  /** Initial open state when uncontrolled. Default `false`. */
  defaultOpen?: boolean
  /** Called with the requested state when the launcher, the shortcut, Escape or × toggles the panel. */
  onOpenChange?: (open: boolean) => void
  /** Default `'bottom-right'`. */
  position?: FlagDebugOverlayPosition
  /** Toggles the panel from anywhere on the page; `null` turns it off. Default `'Alt+Shift+F'`. */
  shortcut?: string | null
  /** The tab shown when the panel opens. Default `'flags'`. */
  defaultTab?: OverlayTab
  /**
   * Render the overlay (and apply saved overrides). Default: only when
   * `process.env.NODE_ENV !== 'production'`. Pass `true` to ship it to production on purpose.
   */
  enabled?: boolean
  /** Offer override controls. Default `true` (whenever the overlay is enabled). */
  allowOverrides?: boolean
  /** Keep overrides in `localStorage` across reloads. Default `true`. */
  persistOverrides?: boolean
}

const IS_DEVELOPMENT = process.env.NODE_ENV !== 'production'

/**
 * The FlagBridge debug overlay: a launcher that opens a panel with every flag (value,
 * vendor, variation, overrides), the live event log sent to Segment and Heap, the user as
 * each system sees it, and each vendor's and destination's health. Rendered in a shadow
 * root, so page styles can't change it. Renders nothing in production unless `enabled`.
 *
 * @example
 * <FlagBridgeProvider configcat={{ sdkKey }} segment={{ writeKey }}>
 *   <App />
 *   <FlagDebugOverlay position="bottom-left" />
 * </FlagBridgeProvider>
 */
export function FlagDebugOverlay({ enabled = IS_DEVELOPMENT, ...props }: FlagDebugOverlayProps) {
  // Read without throwing first: a disabled overlay may sit outside a provider.
  const bridge = useContext(FlagBridgeContext)
  if (!enabled) return null
  return bridge ? <EnabledOverlay bridge={bridge} {...props} /> : <MissingProvider />
}

function MissingProvider(): null {
  useBridge('<FlagDebugOverlay>')
  return null
}

function EnabledOverlay({
  bridge,
  open: openProp,
  defaultOpen = false,
  onOpenChange,
  position = 'bottom-right',
  shortcut = 'Alt+Shift+F',
  defaultTab = 'flags',
  allowOverrides = true,
  persistOverrides = true,
  ...rest
}: Omit<FlagDebugOverlayProps, 'enabled'> & { bridge: FlagBridge }) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(defaultOpen)
  const open = openProp ?? uncontrolledOpen
  const latest = useRef({ open, openProp, onOpenChange })
  latest.current = { open, openProp, onOpenChange }
  const setOpen = useRef((next: boolean) => {
    if (latest.current.openProp === undefined) setUncontrolledOpen(next)
    latest.current.onOpenChange?.(next)
  }).current
  const container = useShadowContainer(overlayStyles)
  const launcherRef = useRef<HTMLButtonElement>(null)
  const panelId = useId()

  // Layout effect: saved overrides are in place before the first paint; the overlay's go with it.
  useIsomorphicLayoutEffect(() => {
    if (allowOverrides) return syncPersistedOverrides(bridge, persistOverrides)
  }, [bridge, allowOverrides, persistOverrides])

  useEffect(() => {
    if (!shortcut) return
    const parsed = parseShortcut(shortcut)
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || !matchesShortcut(event, parsed)) return
      event.preventDefault()
      setOpen(!latest.current.open)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [shortcut, setOpen])

  const state = open ? 'open' : 'closed'
  // State is styleable from the page too (Radix convention): on the host outside the shadow root.
  useEffect(() => {
    const host = (container?.getRootNode() as ShadowRoot | undefined)?.host as HTMLElement | undefined
    if (!host) return
    host.dataset.state = state
    host.dataset.position = position
  }, [container, state, position])

  if (!container) return null
  return createPortal(
    <div
      {...rest}
      className={rest.className ? `fb ${rest.className}` : 'fb'}
      data-state={state}
      data-position={position}
    >
      {open && (
        <OverlayPanel
          bridge={bridge}
          id={panelId}
          defaultTab={defaultTab}
          allowOverrides={allowOverrides}
          onClose={() => setOpen(false)}
          restoreFocusTo={launcherRef}
        />
      )}
      <button
        ref={launcherRef}
        type="button"
        className="launcher"
        aria-label="FlagBridge devtools"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-keyshortcuts={shortcut ?? undefined}
        data-state={state}
        onClick={() => setOpen(!open)}
      >
        <HealthDot bridge={bridge} />
        FlagBridge
      </button>
    </div>,
    container,
  )
}
