import type { AnalyticsDestination } from '@flagbridge/core'
import { useTrackedFlag } from '@flagbridge/react'
import { FlagDebugOverlay, OVERRIDES_STORAGE_KEY } from '@flagbridge/react/devtools'
import { createEventRecorder, type StaticVendor, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'

function overlay() {
  const host = document.querySelector('flagbridge-devtools')
  if (!host?.shadowRoot) throw new Error('the overlay host is not in the document')
  return within(host.shadowRoot as unknown as HTMLElement)
}
const shadowText = () => document.querySelector('flagbridge-devtools')?.shadowRoot?.textContent ?? ''
/** The keys of the rows the Flags tab shows, in order. */
const visibleKeys = () =>
  [
    ...(document.querySelector('flagbridge-devtools')?.shadowRoot?.querySelectorAll('li[data-flag-key]') ??
      []),
  ].map((item) => item.getAttribute('data-flag-key'))

const row = (key: string) => {
  const item = document
    .querySelector('flagbridge-devtools')
    ?.shadowRoot?.querySelector(`li[data-flag-key="${key}"]`) as HTMLElement | null
  if (!item) throw new Error(`no row for ${key}`)
  return within(item)
}

function Show({ flag, fallback }: { flag: string; fallback: boolean | string | number | object }) {
  const { value, overridden } = useTrackedFlag(flag, fallback as never)
  return (
    <p data-testid={flag}>
      {typeof value === 'object' ? JSON.stringify(value) : String(value)}
      {overridden ? ' (overridden)' : ''}
    </p>
  )
}

const FLAGS = {
  configcat: { beta: { value: true, variationId: 'v-beta-on' }, banner: 'hello', limit: 5, unused: 'x' },
  launchdarkly: { layout: { value: { columns: 2 }, variationId: '1' }, 'ld-only': false },
}

async function openTab(name: string) {
  await waitFor(() => overlay().getByRole('dialog'))
  fireEvent.click(overlay().getByRole('tab', { name }))
}

describe('Flags tab', () => {
  it('lists every known and evaluated key with vendor, value, variation, reason, default and counts', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS} user={{ id: 'u1' }}>
        <Show flag="beta" fallback={false} />
        <Show flag="beta" fallback={false} />
        <Show flag="layout" fallback={{}} />
        <Show flag="missing" fallback="fallback" />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => expect(overlay().getByText('7 of 7 flags').textContent).toBe('7 of 7 flags'))
    const beta = row('beta')
    expect(beta.getByText('configcat')).toBeInstanceOf(HTMLElement)
    expect(beta.getByText('true')).toBeInstanceOf(HTMLElement)
    expect(beta.getByText(/variation v-beta-on · reason STATIC · evaluated 2×/)).toBeInstanceOf(HTMLElement)
    expect(row('layout').getByText('{"columns":2}')).toBeInstanceOf(HTMLElement)
    expect(row('layout').getByText('launchdarkly')).toBeInstanceOf(HTMLElement)
    expect(row('unused').getByText(/evaluated 0× · last —/)).toBeInstanceOf(HTMLElement)
    // Evaluated but unknown to every vendor: the app's default was served.
    expect(row('missing').getByText('default served')).toBeInstanceOf(HTMLElement)
    expect(row('missing').getByText('"fallback"')).toBeInstanceOf(HTMLElement)
  })

  it('filters by key, vendor and state', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByText('6 of 6 flags'))
    fireEvent.change(overlay().getByRole('searchbox', { name: 'Search flags by key' }), {
      target: { value: 'LA' },
    })
    expect(overlay().getByText('1 of 6 flags').textContent).toBe('1 of 6 flags')
    expect(visibleKeys()).toEqual(['layout'])
    fireEvent.change(overlay().getByRole('searchbox', { name: 'Search flags by key' }), {
      target: { value: '' },
    })
    fireEvent.change(overlay().getByRole('combobox', { name: 'Filter by vendor' }), {
      target: { value: 'launchdarkly' },
    })
    expect(overlay().getByText('2 of 6 flags').textContent).toBe('2 of 6 flags')
    fireEvent.change(overlay().getByRole('combobox', { name: 'Filter by vendor' }), {
      target: { value: 'all' },
    })
    fireEvent.change(overlay().getByRole('combobox', { name: 'Filter by state' }), {
      target: { value: 'evaluated' },
    })
    expect(overlay().getByText('1 of 6 flags').textContent).toBe('1 of 6 flags')
    expect(visibleKeys()).toEqual(['beta'])
  })

  it('shows live vendor changes', async () => {
    let vendors: Partial<Record<'configcat' | 'launchdarkly', StaticVendor>> = {}
    render(
      <TestFlagBridgeProvider flags={FLAGS} onVendors={(created) => (vendors = created)}>
        <Show flag="banner" fallback="" />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => row('banner').getByText('"hello"'))
    act(() => vendors.configcat?.setFlag('banner', 'bonjour'))
    await waitFor(() => row('banner').getByText('"bonjour"'))
    expect(row('banner').getByText(/evaluated 2×/)).toBeInstanceOf(HTMLElement)
  })
})

describe('overrides', () => {
  it('a boolean toggles, shows everywhere as overridden, is persisted, is not tracked, and clears', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={FLAGS} user={{ id: 'u1' }} recorder={recorder}>
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => expect(recorder.tracks()).toHaveLength(1))
    fireEvent.click(overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    expect(screen.getByTestId('beta').textContent).toBe('false (overridden)')
    expect(row('beta').getByText('overridden')).toBeInstanceOf(HTMLElement)
    expect(JSON.parse(localStorage.getItem(OVERRIDES_STORAGE_KEY) ?? '[]')).toEqual([
      { key: 'beta', provider: 'configcat', value: false },
    ])
    await act(async () => {})
    expect(recorder.tracks()).toHaveLength(1)
    expect(recorder.tracks()[0]!.properties.value).toBe(true)

    fireEvent.click(overlay().getByRole('button', { name: 'Clear override: beta (configcat)' }))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    expect(localStorage.getItem(OVERRIDES_STORAGE_KEY)).toBeNull()
  })

  it('with tracking.trackOverrides the overridden exposure is sent, marked as overridden', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider
        flags={FLAGS}
        user={{ id: 'u1' }}
        recorder={recorder}
        tracking={{ dedupe: 'page', trackOverrides: true }}
      >
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => expect(recorder.tracks()).toHaveLength(1))
    fireEvent.click(overlay().getByRole('button', { name: 'Set false: beta (configcat)' }))
    await waitFor(() => expect(recorder.tracks()).toHaveLength(2))
    expect(recorder.tracks()[1]).toMatchObject({ overridden: true, properties: { value: false } })
  })

  it('text, number and JSON values are edited with validation; all are cleared at once', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS}>
        <Show flag="banner" fallback="" />
        <Show flag="limit" fallback={0} />
        <Show flag="layout" fallback={{}} />
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => row('banner'))
    fireEvent.click(overlay().getByRole('button', { name: 'Edit: banner (configcat)' }))
    const text = overlay().getByRole('textbox', { name: 'Override value for banner (configcat)' })
    expect((text as HTMLInputElement).value).toBe('hello')
    fireEvent.change(text, { target: { value: 'bye' } })
    fireEvent.click(overlay().getByRole('button', { name: 'Save' }))
    expect(screen.getByTestId('banner').textContent).toBe('bye (overridden)')

    fireEvent.click(overlay().getByRole('button', { name: 'Edit: limit (configcat)' }))
    const number = overlay().getByRole('textbox', { name: 'Override value for limit (configcat)' })
    fireEvent.change(number, { target: { value: 'seven' } })
    expect(overlay().getByRole('alert').textContent).toBe('Enter a number.')
    expect((overlay().getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(number, { target: { value: '7' } })
    fireEvent.submit(number)
    expect(screen.getByTestId('limit').textContent).toBe('7 (overridden)')

    fireEvent.click(overlay().getByRole('button', { name: 'Edit: layout (launchdarkly)' }))
    const json = overlay().getByRole('textbox', { name: 'Override value for layout (launchdarkly)' })
    fireEvent.change(json, { target: { value: '{"columns": 3' } })
    expect(overlay().getByRole('alert').textContent).toMatch(/^Invalid JSON/)
    expect(json.getAttribute('aria-invalid')).toBe('true')
    fireEvent.change(json, { target: { value: '{"columns": 3}' } })
    fireEvent.click(overlay().getByRole('button', { name: 'Save' }))
    expect(screen.getByTestId('layout').textContent).toBe('{"columns":3} (overridden)')

    fireEvent.click(overlay().getByRole('button', { name: 'Clear all overrides (3)' }))
    expect(screen.getByTestId('banner').textContent).toBe('hello')
    expect(screen.getByTestId('limit').textContent).toBe('5')
    expect(screen.getByTestId('layout').textContent).toBe('{"columns":2}')
  })

  it('Escape in an editor cancels the edit and keeps the panel open', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS}>
        <FlagDebugOverlay defaultOpen />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => row('banner'))
    fireEvent.click(overlay().getByRole('button', { name: 'Edit: banner (configcat)' }))
    fireEvent.keyDown(overlay().getByRole('textbox', { name: /Override value for banner/ }), {
      key: 'Escape',
    })
    expect(overlay().queryByRole('textbox', { name: /Override value for banner/ })).toBeNull()
    expect(overlay().getByRole('dialog').getAttribute('aria-label')).toBe('FlagBridge devtools')
  })

  it('allowOverrides={false} shows no override controls', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS}>
        <FlagDebugOverlay defaultOpen allowOverrides={false} />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => row('beta'))
    expect(overlay().queryByRole('button', { name: /^(Set|Edit)/ })).toBeNull()
  })
})

describe('Events tab', () => {
  it('shows what went to each destination, newest first, with status and errors; clears', async () => {
    const failing: AnalyticsDestination = {
      name: 'broken',
      state: () => ({ status: 'ready' }),
      subscribe: () => () => {},
      describe: (call) => ({
        name: call.kind === 'track' ? 'Feature Flag Evaluated' : call.kind,
        payload: {},
      }),
      send: () => {
        throw new Error('network down')
      },
    }
    const recorder = createEventRecorder()
    function Both() {
      return (
        <TestFlagBridgeProvider flags={FLAGS} user={{ id: 'u1' }} recorder={recorder} onError={() => {}}>
          <Show flag="beta" fallback={false} />
          <FlagDebugOverlay defaultOpen defaultTab="events" />
        </TestFlagBridgeProvider>
      )
    }
    // The test provider takes one recorder: add a failing destination by wrapping its send.
    const send = recorder.destination.send
    let calls = 0
    ;(recorder.destination as { send: AnalyticsDestination['send'] }).send = (call) => {
      calls++
      if (call.kind === 'track') return failing.send(call)
      return send(call)
    }
    render(<Both />)
    await waitFor(() => overlay().getByText('2 of 2 events'))
    const items = overlay().getAllByRole('listitem')
    // Newest first: the exposure, then identify.
    expect(items.map((item) => item.getAttribute('data-status'))).toEqual(['failed', 'sent'])
    expect(within(items[0]!).getByText('Feature Flag Evaluated')).toBeInstanceOf(HTMLElement)
    expect(within(items[0]!).getByText(/network down/)).toBeInstanceOf(HTMLElement)
    expect(within(items[0]!).getByText('flag beta')).toBeInstanceOf(HTMLElement)
    expect(within(items[1]!).getByText('identify')).toBeInstanceOf(HTMLElement)
    expect(calls).toBe(2)

    fireEvent.change(overlay().getByRole('combobox', { name: 'Filter by status' }), {
      target: { value: 'sent' },
    })
    expect(overlay().getByText('1 of 2 events').textContent).toBe('1 of 2 events')
    fireEvent.click(overlay().getByRole('button', { name: 'Clear log' }))
    await waitFor(() => overlay().getByText('No events yet.'))
  })

  it('shows calls waiting for consent', async () => {
    render(
      <TestFlagBridgeProvider
        flags={FLAGS}
        user={{ id: 'u1' }}
        recorder={createEventRecorder()}
        tracking={{ dedupe: 'page', consent: false }}
      >
        <Show flag="beta" fallback={false} />
        <FlagDebugOverlay defaultOpen defaultTab="events" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() =>
      expect(overlay().getAllByText('waiting-for-consent').length).toBeGreaterThanOrEqual(2),
    )
  })
})

describe('Identity tab', () => {
  it('shows the user as each system sees it, with private attributes masked', async () => {
    render(
      <TestFlagBridgeProvider
        flags={FLAGS}
        recorder={createEventRecorder({ name: 'segment' })}
        user={{
          id: 'user-1',
          email: 'ada@example.com',
          name: 'Ada',
          attributes: { plan: 'pro', ssn: '123-45' },
          privateAttributes: ['email', 'ssn'],
        }}
      >
        <FlagDebugOverlay defaultOpen defaultTab="identity" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByRole('region', { name: 'LaunchDarkly context' }))
    const text = shadowText()
    expect(text).not.toContain('ada@example.com')
    expect(text).not.toContain('123-45')
    const section = (name: string) => overlay().getByRole('region', { name }).textContent ?? ''
    expect(section('ConfigCat user')).toContain('"identifier": "user-1"')
    expect(section('ConfigCat user')).toContain('"email": "•••"')
    expect(section('ConfigCat user')).toContain('"ssn": "•••"')
    expect(section('LaunchDarkly context')).toContain('"key": "user-1"')
    expect(section('LaunchDarkly context')).toContain('"email": "•••"')
    expect(section('LaunchDarkly context')).toContain('"plan": "pro"')
    // The identify payload leaves private attributes out altogether.
    expect(section('segment identity')).toContain('"userId": "user-1"')
    expect(section('segment identity')).not.toContain('email')
  })

  it('anonymous visitors', async () => {
    render(
      <TestFlagBridgeProvider flags={FLAGS}>
        <FlagDebugOverlay defaultOpen defaultTab="identity" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByText('Anonymous visitor'))
    expect(overlay().getByRole('region', { name: 'LaunchDarkly context' }).textContent).toContain(
      '"anonymous": true',
    )
  })
})

describe('Health tab', () => {
  it("shows each vendor's and destination's state with errors and queue sizes", async () => {
    let vendors: Partial<Record<'configcat' | 'launchdarkly', StaticVendor>> = {}
    render(
      <TestFlagBridgeProvider
        flags={FLAGS}
        recorder={createEventRecorder({ name: 'segment' })}
        onVendors={(created) => (vendors = created)}
      >
        <FlagDebugOverlay defaultOpen defaultTab="health" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay().getByRole('region', { name: 'Flag vendors' }))
    const vendorsSection = () => overlay().getByRole('region', { name: 'Flag vendors' })
    expect(within(vendorsSection()).getAllByText('ready')).toHaveLength(2)
    const { FlagBridgeError } = await import('@flagbridge/core')
    act(() =>
      vendors.launchdarkly?.setState({
        status: 'error',
        error: new FlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not load flags: 401'),
      }),
    )
    await waitFor(() =>
      within(vendorsSection()).getByText('[flagbridge] LaunchDarkly could not load flags: 401'),
    )
    expect(within(vendorsSection()).getByText('error')).toBeInstanceOf(HTMLElement)
    const destinations = overlay().getByRole('region', { name: 'Analytics destinations' })
    expect(within(destinations).getByText('segment')).toBeInstanceOf(HTMLElement)
    expect(within(destinations).getByText('0 calls waiting')).toBeInstanceOf(HTMLElement)
  })
})

describe('accessibility (axe-core in jsdom; colour contrast is checked in Chromium)', () => {
  it.each(['Flags', 'Events', 'Identity', 'Health'])('the %s tab has no violations', async (tab) => {
    render(
      <main>
        <TestFlagBridgeProvider flags={FLAGS} user={{ id: 'u1' }} recorder={createEventRecorder()}>
          <Show flag="beta" fallback={false} />
          <FlagDebugOverlay defaultOpen />
        </TestFlagBridgeProvider>
      </main>,
    )
    await openTab(tab)
    if (tab === 'Flags') fireEvent.click(overlay().getByRole('button', { name: /Edit: layout/ }))
    // The overlay only (its host and shadow tree): the jsdom page itself has no title or lang.
    const results = await axe.run(
      { include: [['flagbridge-devtools']] },
      { rules: { 'color-contrast': { enabled: false } } },
    )
    expect(results.passes.length).toBeGreaterThan(10)
    expect(results.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([])
  })
})
