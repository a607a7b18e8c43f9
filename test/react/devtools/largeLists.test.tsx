import { createEventLog, type FlagBridge } from '@flagbridge/core'
import { useFlagBridge } from '@flagbridge/react'
import { FlagDebugOverlay } from '@flagbridge/react/devtools'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, fireEvent, render, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

// Measurements, printed for the report; the bounds are loose (jsdom on a shared CI machine)
// and only catch a regression to rendering every row.

function overlay() {
  const host = document.querySelector('flagbridge-devtools')
  if (!host?.shadowRoot) throw new Error('the overlay host is not in the document')
  return within(host.shadowRoot as unknown as HTMLElement)
}
const rowCount = () =>
  document.querySelector('flagbridge-devtools')?.shadowRoot?.querySelectorAll('li.row').length ?? 0

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const thousandFlags = Object.fromEntries(
  Array.from({ length: 1_000 }, (_, index) => [
    `flag-${String(index).padStart(4, '0')}`,
    { value: index % 2 === 0, variationId: `v${index}` },
  ]),
)

// Times are reported, not asserted (a shared machine is noisy; see BENCHMARKS.md). What is
// asserted is what keeps lists fast: at most 100 rows are rendered, whatever the list's size.
describe('large lists', () => {
  it('1,000 flags: the panel renders and filters without rendering every row', {
    timeout: 30_000,
  }, async () => {
    render(
      <TestFlagBridgeProvider flags={thousandFlags}>
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() => overlay())
    const start = performance.now()
    act(() => {
      fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
    })
    const firstOpenMs = performance.now() - start
    // Once more, warm (the first open also pays for jsdom and React warming up).
    act(() => {
      fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
    })
    const reopen = performance.now()
    act(() => {
      fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
    })
    const openMs = performance.now() - reopen
    expect(overlay().getByText('1000 of 1000 flags').textContent).toBe('1000 of 1000 flags')
    expect(rowCount()).toBe(100)

    const search = overlay().getByRole('searchbox', { name: 'Search flags by key' })
    const keystrokes: number[] = []
    let typed = ''
    for (const char of 'flag-09') {
      typed += char
      const begin = performance.now()
      act(() => {
        fireEvent.change(search, { target: { value: typed } })
      })
      keystrokes.push(performance.now() - begin)
    }
    expect(overlay().getByText('100 of 1000 flags').textContent).toBe('100 of 1000 flags')
    console.info(
      `[devtools] 1,000 flags: first open ${firstOpenMs.toFixed(1)} ms, warm open ${openMs.toFixed(1)} ms; filter keystroke median ${median(keystrokes).toFixed(1)} ms, max ${Math.max(...keystrokes).toFixed(1)} ms (jsdom)`,
    )
  })

  it('5,000 events: the Events tab renders and filters the newest first, bounded', {
    timeout: 30_000,
  }, async () => {
    let bridge: FlagBridge | undefined
    function Grab() {
      bridge = useFlagBridge().bridge
      return null
    }
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Grab />
        <FlagDebugOverlay />
      </TestFlagBridgeProvider>,
    )
    // The bridge's own log keeps 500; a 5,000-entry log stands in to measure the tab.
    const log = createEventLog(5_000)
    for (let index = 0; index < 5_000; index++) {
      log.add({
        destination: index % 2 ? 'segment' : 'heap',
        name: 'Feature Flag Evaluated',
        payload: { properties: { feature_flag_key: `flag-${index}`, value: index % 3 === 0 } },
        flagKey: `flag-${index}`,
        status: index % 7 === 0 ? 'failed' : 'sent',
        error: index % 7 === 0 ? new Error('boom') : undefined,
      })
    }
    ;(bridge as { log: typeof log }).log = log
    await waitFor(() => overlay())
    fireEvent.click(overlay().getByRole('button', { name: 'FlagBridge devtools' }))
    const start = performance.now()
    act(() => {
      fireEvent.click(overlay().getByRole('tab', { name: 'Events' }))
    })
    const openMs = performance.now() - start
    expect(overlay().getByText('5000 of 5000 events').textContent).toBe('5000 of 5000 events')
    expect(rowCount()).toBe(100)
    // Newest first.
    expect(overlay().getAllByText(/^flag flag-/)[0]!.textContent).toBe('flag flag-4999')

    const search = overlay().getByRole('searchbox', { name: /Search events/ })
    const keystrokes: number[] = []
    let typed = ''
    for (const char of 'flag-49') {
      typed += char
      const begin = performance.now()
      act(() => {
        fireEvent.change(search, { target: { value: typed } })
      })
      keystrokes.push(performance.now() - begin)
    }
    expect(overlay().getByText('111 of 5000 events').textContent).toBe('111 of 5000 events')
    console.info(
      `[devtools] 5,000 events: tab render ${openMs.toFixed(1)} ms; filter keystroke median ${median(keystrokes).toFixed(1)} ms, max ${Math.max(...keystrokes).toFixed(1)} ms (jsdom)`,
    )
  })
})
