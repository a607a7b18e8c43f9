import { FlagBridgeError } from '@flagbridge/core'
import { useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { FlagDebugOverlay, OVERRIDES_STORAGE_KEY } from '@flagbridge/react/devtools'
import { createEventRecorder, type StaticVendor, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { StrictMode, useEffect, useState } from 'react'
import { describe, expect, it, vi } from 'vitest'

/** The overlay renders into a shadow root: queries go through it. */
function overlay() {
  const host = document.querySelector('flagbridge-devtools')
  if (!host?.shadowRoot) throw new Error('the overlay host (with its shadow root) is not in the document')
  return within(host.shadowRoot as unknown as HTMLElement)
}
const shadowRoot = () => document.querySelector('flagbridge-devtools')?.shadowRoot as ShadowRoot

function Show({ flag, fallback }: { flag: string; fallback: boolean | string | number }) {
  const { value, overridden } = useTrackedFlag(flag, fallback)
  return (
    <p data-testid={flag}>
      {String(value)}
      {overridden ? ' (overridden)' : ''}
    </p>
  )
}

async function openOverlay() {
  await waitFor(() => overlay())
  fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
  return overlay().getByRole('dialog', { name: 'FlagBridge devtools' })
}

describe('<FlagDebugOverlay> launcher and panel', () => {
  it('opens from the launcher, has labelled tabs and closes with Escape (focus back on the launcher)', async () => {
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay data-testid="fb-root" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    const root = overlay().getByTestId('fb-root')
    expect(root.getAttribute('data-state')).toBe('closed')
    expect(root.getAttribute('data-position')).toBe('bottom-right')
    expect(overlay().queryByRole('dialog')).toBeNull()

    const launcher = overlay().getByRole('button', { name: 'FlagBridge devtools' })
    expect(launcher.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(launcher)
    const dialog = overlay().getByRole('dialog', { name: 'FlagBridge devtools' })
    expect(root.getAttribute('data-state')).toBe('open')
    expect(launcher.getAttribute('aria-expanded')).toBe('true')
    const tabs = within(dialog).getAllByRole('tab')
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Flags', 'Events', 'Identity', 'Health'])
    expect(shadowRoot().activeElement).toBe(tabs[0])
    const panel = within(dialog).getByRole('tabpanel')
    expect(panel.getAttribute('aria-labelledby')).toBe(tabs[0]!.id)

    fireEvent.keyDown(tabs[0]!, { key: 'Escape' })
    expect(overlay().queryByRole('dialog')).toBeNull()
    expect(root.getAttribute('data-state')).toBe('closed')
    expect(shadowRoot().activeElement).toBe(launcher)
  })

  it('switches tabs with the arrow keys, Home and End (roving tabindex)', async () => {
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    const dialog = await openOverlay()
    const tab = (name: string) => within(dialog).getByRole('tab', { name })
    fireEvent.keyDown(tab('Flags'), { key: 'ArrowRight' })
    expect(tab('Events').getAttribute('aria-selected')).toBe('true')
    expect(tab('Events').tabIndex).toBe(0)
    expect(tab('Flags').tabIndex).toBe(-1)
    expect(shadowRoot().activeElement).toBe(tab('Events'))
    fireEvent.keyDown(tab('Events'), { key: 'End' })
    expect(tab('Health').getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(tab('Health'), { key: 'ArrowRight' })
    expect(tab('Flags').getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(tab('Flags'), { key: 'ArrowLeft' })
    expect(tab('Health').getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(tab('Health'), { key: 'Home' })
    expect(tab('Flags').getAttribute('aria-selected')).toBe('true')
  })

  it('toggles with the keyboard shortcut (Alt+Shift+F by default, matched on the physical key)', async () => {
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    // On a Mac, Alt+Shift+F types "Ï": the key code still says F.
    fireEvent.keyDown(window, { key: 'Ï', code: 'KeyF', altKey: true, shiftKey: true })
    expect(overlay().getByRole('dialog').getAttribute('aria-label')).toBe('FlagBridge devtools')
    fireEvent.keyDown(window, { key: 'F', code: 'KeyF', shiftKey: true })
    expect(overlay().getByRole('dialog').getAttribute('aria-label')).toBe('FlagBridge devtools')
    fireEvent.keyDown(window, { key: 'F', code: 'KeyF', altKey: true, shiftKey: true })
    expect(overlay().queryByRole('dialog')).toBeNull()
  })

  it('takes a custom shortcut, or none', async () => {
    const { unmount } = render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay shortcut="Ctrl+Shift+D" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    fireEvent.keyDown(window, { key: 'F', code: 'KeyF', altKey: true, shiftKey: true })
    expect(overlay().queryByRole('dialog')).toBeNull()
    fireEvent.keyDown(window, { key: 'D', code: 'KeyD', ctrlKey: true, shiftKey: true })
    expect(overlay().getByRole('dialog').getAttribute('aria-label')).toBe('FlagBridge devtools')
    unmount()

    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay shortcut={null} />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    fireEvent.keyDown(window, { key: 'F', code: 'KeyF', altKey: true, shiftKey: true })
    expect(overlay().queryByRole('dialog')).toBeNull()
  })

  it('is controllable: open/onOpenChange (Radix style), position and rest props on the root', async () => {
    const onOpenChange = vi.fn()
    function Controlled() {
      const [open, setOpen] = useState(true)
      return (
        <FlagDebugOverlay
          open={open}
          onOpenChange={(next) => {
            onOpenChange(next)
            setOpen(next)
          }}
          position="top-left"
          className="mine"
          aria-describedby="x"
          data-testid="fb-root"
        />
      )
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Controlled />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    const root = overlay().getByTestId('fb-root')
    expect(root.getAttribute('data-state')).toBe('open')
    expect(root.getAttribute('data-position')).toBe('top-left')
    expect(root.className).toBe('fb mine')
    expect(root.getAttribute('aria-describedby')).toBe('x')
    fireEvent.click(overlay().getByRole('button', { name: 'Close FlagBridge devtools' }))
    expect(onOpenChange).toHaveBeenCalledWith(false)
    expect(root.getAttribute('data-state')).toBe('closed')
  })

  it('a controlled open={true} stays open when the user asks to close it, until the parent agrees', async () => {
    const onOpenChange = vi.fn()
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay open onOpenChange={onOpenChange} />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    fireEvent.keyDown(overlay().getByRole('dialog'), { key: 'Escape' })
    expect(onOpenChange).toHaveBeenCalledWith(false)
    expect(overlay().getByRole('dialog').getAttribute('aria-label')).toBe('FlagBridge devtools')
  })

  it('defaultOpen opens it uncontrolled', async () => {
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay defaultOpen defaultTab="health" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByRole('dialog'))
    expect(overlay().getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).toBe('true')
  })

  it('renders nothing when disabled (the production default), even outside a provider', () => {
    const { container } = render(<FlagDebugOverlay enabled={false} />)
    expect(container.innerHTML).toBe('')
    expect(document.querySelector('flagbridge-devtools')).toBeNull()
  })

  it('enabled outside a provider throws MISSING_PROVIDER naming the overlay', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    let caught: unknown
    try {
      render(<FlagDebugOverlay />)
    } catch (error) {
      caught = error
    }
    spy.mockRestore()
    expect(caught).toBeInstanceOf(FlagBridgeError)
    expect((caught as FlagBridgeError).message).toContain('<FlagDebugOverlay> must be used inside')
  })

  it('removes its host element on unmount and adds nothing else to the page', async () => {
    const before = document.body.children.length
    const { unmount } = render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByRole('dialog'))
    // The test container and the host.
    expect(document.body.children.length).toBe(before + 2)
    expect(document.head.querySelectorAll('style').length).toBe(0)
    unmount()
    expect(document.querySelector('flagbridge-devtools')).toBeNull()
  })
})

describe('values are text, never HTML', () => {
  it('a flag value and an event payload with markup show as text', async () => {
    const evil = '<img src=x onerror=alert(1)>'
    const alert = vi.spyOn(window, 'alert').mockImplementation(() => {})
    render(
      <TestFlagBridgeProvider flags={{ banner: evil }} recorder={createEventRecorder()} user={{ id: 'u1' }}>
        <Show flag="banner" fallback="" />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByText(JSON.stringify(evil)))
    expect(shadowRoot().querySelector('img')).toBeNull()
    fireEvent.click(overlay().getByRole('tab', { name: 'Events' }))
    await waitFor(() => overlay().getAllByText('Feature Flag Evaluated'))
    expect(shadowRoot().textContent).toContain(evil)
    expect(shadowRoot().querySelector('img')).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(alert).not.toHaveBeenCalled()
    alert.mockRestore()
  })
})

describe('persisted overrides', () => {
  it('applies overrides saved in localStorage when the overlay is enabled', async () => {
    localStorage.setItem(
      OVERRIDES_STORAGE_KEY,
      JSON.stringify([{ key: 'beta', provider: 'configcat', value: false }]),
    )
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('beta').textContent).toBe('false (overridden)'))
  })

  it('one applied as the page mounts is what counts as shown: the vendor’s value, never painted, is not sent', async () => {
    // The overlay applies saved overrides in a layout effect, after the page's components rendered
    // the vendor's value and before anything is painted: that first render is not an exposure.
    for (const [strict, trackOverrides] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      localStorage.setItem(
        OVERRIDES_STORAGE_KEY,
        JSON.stringify([{ key: 'beta', provider: 'configcat', value: false }]),
      )
      const recorder = createEventRecorder()
      const page = (
        <TestFlagBridgeProvider
          flags={{ beta: { value: true, variationId: 'v-on' } }}
          user={{ id: 'u1' }}
          recorder={recorder}
          tracking={{ trackOverrides }}
        >
          <Show flag="beta" fallback={false} />
          <FlagDebugOverlay />
        </TestFlagBridgeProvider>
      )
      const { unmount } = render(strict ? <StrictMode>{page}</StrictMode> : page)
      await act(async () => {})
      expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
      expect(
        recorder.tracks().map((event) => [event.userId, event.properties.value, event.overridden]),
        `StrictMode ${strict}, trackOverrides ${trackOverrides}`,
      ).toEqual(trackOverrides ? [['u1', false, true]] : [])
      unmount()
      localStorage.clear()
    }
  })

  it('they go with the overlay: a staff-only overlay leaves nothing to the next visitor, and brings them back', async () => {
    localStorage.setItem(
      OVERRIDES_STORAGE_KEY,
      JSON.stringify([{ key: 'beta', provider: 'configcat', value: false }]),
    )
    const recorder = createEventRecorder()
    const App = ({ staff }: { staff: boolean }) => (
      <TestFlagBridgeProvider
        flags={{ beta: true }}
        user={staff ? { id: 'staff-1' } : undefined}
        recorder={recorder}
      >
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay enabled={staff} />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(<App staff />)
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
    // Signed out: the overlay is disabled, and the visitor after the staff member sees the vendor's value.
    rerender(<App staff={false} />)
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('true')
    expect(
      recorder.tracks().map((event) => [event.userId, event.properties.value, event.overridden]),
    ).toEqual([[null, true, false]])
    // Kept for the overlay's next mount.
    expect(JSON.parse(localStorage.getItem(OVERRIDES_STORAGE_KEY) ?? '[]')).toEqual([
      { key: 'beta', provider: 'configcat', value: false },
    ])
    rerender(<App staff />)
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
  })

  it('overrides set in the overlay without persisting also go with it; the app’s own overrides stay and are not saved', async () => {
    function AppOverride() {
      const { setOverride } = useFlagBridge()
      useEffect(() => setOverride('limit', 7), [setOverride])
      return null
    }
    const App = ({ overlay: shown }: { overlay: boolean }) => (
      <TestFlagBridgeProvider flags={{ beta: true, limit: 5 }}>
        <Show flag="beta" fallback={false} />
        <Show flag="limit" fallback={0} />
        <AppOverride />
        {shown && <FlagDebugOverlay persistOverrides={false} defaultOpen />}
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(<App overlay />)
    await waitFor(() => overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    fireEvent.click(overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
    rerender(<App overlay={false} />)
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('true')
    expect(screen.getByTestId('limit').textContent).toBe('7 (overridden)')
    cleanup()
    // With persistence on, the overlay saves only its own overrides.
    render(
      <TestFlagBridgeProvider flags={{ beta: true, limit: 5 }}>
        <Show flag="limit" fallback={0} />
        <AppOverride />
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    await act(async () => {})
    expect(screen.getByTestId('limit').textContent).toBe('7 (overridden)')
    expect(localStorage.getItem(OVERRIDES_STORAGE_KEY)).toBeNull()
  })

  it('ignores them when the overlay is disabled', async () => {
    localStorage.setItem(
      OVERRIDES_STORAGE_KEY,
      JSON.stringify([{ key: 'beta', provider: 'configcat', value: false }]),
    )
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay enabled={false} />
      </TestFlagBridgeProvider>,
    )
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('true')
  })

  it('ignores malformed storage', async () => {
    localStorage.setItem(OVERRIDES_STORAGE_KEY, '{not json')
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    await act(async () => {})
    expect(screen.getByTestId('beta').textContent).toBe('true')
  })

  it('persistOverrides={false} neither reads nor writes storage', async () => {
    localStorage.setItem(OVERRIDES_STORAGE_KEY, JSON.stringify([{ key: 'beta', value: false }]))
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay persistOverrides={false} defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    fireEvent.click(overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
    expect(localStorage.getItem(OVERRIDES_STORAGE_KEY)).toBe(JSON.stringify([{ key: 'beta', value: false }]))
  })
})

export type { StaticVendor }

describe('the launcher tells the truth from outside too', () => {
  it('its dot shows the worst health: green, amber while a vendor loads, red while anything is in error', async () => {
    let vendors: Record<string, StaticVendor | undefined> = {}
    render(
      <TestFlagBridgeProvider
        flags={{ configcat: { a: true }, launchdarkly: { b: true } }}
        onVendors={(created) => {
          vendors = created
        }}
      >
        <FlagDebugOverlay enabled />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    const dot = () => shadowRoot().querySelector('.launcher .dot')!.getAttribute('data-status')
    expect(dot()).toBe('ready')
    act(() => vendors.launchdarkly!.setState({ status: 'loading' }))
    expect(dot()).toBe('loading')
    act(() =>
      vendors.configcat!.setState({ status: 'error', error: new FlagBridgeError('VENDOR_ERROR', 'down') }),
    )
    expect(dot()).toBe('error')
    act(() => vendors.configcat!.setState({ status: 'ready' }))
    act(() => vendors.launchdarkly!.setState({ status: 'ready' }))
    expect(dot()).toBe('ready')
  })

  it('data-state and data-position are on the host element, where the page’s CSS can see them', async () => {
    render(
      <TestFlagBridgeProvider flags={{ a: true }}>
        <FlagDebugOverlay enabled position="top-left" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    const host = document.querySelector('flagbridge-devtools') as HTMLElement
    expect(host.dataset.state).toBe('closed')
    expect(host.dataset.position).toBe('top-left')
    expect(document.querySelector('flagbridge-devtools[data-state="closed"]')).toBe(host)
    fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
    expect(host.dataset.state).toBe('open')
  })
})
