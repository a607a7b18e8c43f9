import { type FlagBridgeApi, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { FlagDebugOverlay } from '@flagbridge/react/devtools'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installIntersectionObserver } from '../intersectionObserverStandIn'

let io: ReturnType<typeof installIntersectionObserver>
beforeEach(() => {
  io = installIntersectionObserver()
})
afterEach(() => io.uninstall())

function overlay() {
  const host = document.querySelector('flagbridge-devtools')
  if (!host?.shadowRoot) throw new Error('the overlay host is not in the document')
  return within(host.shadowRoot as unknown as HTMLElement)
}
/** The Events tab's count line ("N of M events"). */
const eventCount = () =>
  overlay()
    .getByText(/ of \d+ events$/)
    .textContent?.trim()
const waitingRows = () =>
  overlay()
    .queryAllByRole('list', { name: 'Waiting exposures' })
    .flatMap((list) => within(list).queryAllByRole('listitem'))
    .map((item) => [...item.querySelectorAll('.badge, .key')].map((part) => part.textContent).join(' '))

function Promo() {
  const { value, ref } = useTrackedFlag('promo', false, { expose: 'visible', minVisibleMs: 0 })
  return (
    <aside ref={ref} data-testid="promo">
      {String(value)}
    </aside>
  )
}
function Menu() {
  const { value, expose } = useTrackedFlag('menu', 'a', { expose: 'manual' })
  return (
    <button type="button" onClick={expose}>
      menu {value}
    </button>
  )
}

describe('Events tab: exposures waiting to be seen', () => {
  it('lists each with its reason until it is seen, then shows the sent event', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider
        flags={{ configcat: { promo: true }, launchdarkly: { menu: { value: 'b', variationId: '1' } } }}
        recorder={recorder}
      >
        <Promo />
        <Menu />
        <FlagDebugOverlay defaultOpen defaultTab="events" />
      </TestFlagBridgeProvider>,
    )
    await waitFor(() =>
      expect(waitingRows()).toEqual([
        'configcat promo not yet visible',
        'launchdarkly menu waiting for expose()',
      ]),
    )
    // Waiting, nothing sent: the Events tab lists no event, and the recorder has none.
    expect(eventCount()).toBe('0 of 0 events')
    expect(recorder.tracks()).toEqual([])
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
    await waitFor(() => expect(waitingRows()).toEqual(['launchdarkly menu waiting for expose()']))
    expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['promo'])
    fireEvent.click(screen.getByRole('button', { name: 'menu b' }))
    await waitFor(() => expect(waitingRows()).toEqual([]))
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['promo', 'menu'])
    // The Events tab shows the two sent exposures, nothing else.
    await waitFor(() => expect(eventCount()).toBe('2 of 2 events'))
  })

  it('an overridden flag is not listed as waiting unless tracking.trackOverrides would send it', async () => {
    let api: FlagBridgeApi | undefined
    function Api() {
      api = useFlagBridge()
      return null
    }
    for (const trackOverrides of [false, true]) {
      const recorder = createEventRecorder()
      const { unmount } = render(
        <TestFlagBridgeProvider
          flags={{ launchdarkly: { menu: { value: 'b', variationId: '1' } } }}
          recorder={recorder}
          tracking={{ trackOverrides }}
        >
          <Api />
          <Menu />
          <FlagDebugOverlay defaultOpen defaultTab="events" />
        </TestFlagBridgeProvider>,
      )
      await waitFor(() => expect(waitingRows()).toEqual(['launchdarkly menu waiting for expose()']))
      act(() => api!.setOverride('menu', 'c'))
      await act(async () => {})
      expect(screen.getByRole('button', { name: 'menu c' })).toBeInstanceOf(HTMLElement)
      // expose() would send nothing without trackOverrides: nothing waits for it.
      expect(waitingRows(), `trackOverrides ${trackOverrides}`).toEqual(
        trackOverrides ? ['launchdarkly menu waiting for expose()'] : [],
      )
      fireEvent.click(screen.getByRole('button', { name: 'menu c' }))
      await act(async () => {})
      expect(recorder.tracks().map((event) => [event.properties.value, event.overridden])).toEqual(
        trackOverrides ? [['c', true]] : [],
      )
      unmount()
    }
  })
})
