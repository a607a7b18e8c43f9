import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { AnalyticsBrowser, type Context, type Plugin } from '@segment/analytics-next'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { type ReactNode, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { configCatOffline, configCatSdkKey } from './fixtures'

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))

/** The real analytics-next, loaded, whose deliveries complete only when `deliver()` is called (a slow network). */
async function slowSegment(writeKey: string) {
  const events: Context['event'][] = []
  let handedOver = 0
  let open!: () => void
  const delivering = new Promise<void>((resolve) => {
    open = resolve
  })
  const capture: Plugin = {
    name: 'Capture',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => true,
    load: async () => {},
    track: async (ctx) => {
      handedOver++
      await delivering
      events.push(ctx.event)
      return ctx
    },
    identify: async (ctx) => ctx,
    page: async (ctx) => ctx,
    alias: async (ctx) => ctx,
    group: async (ctx) => ctx,
  }
  const analytics = AnalyticsBrowser.load(
    { writeKey, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey } } }, plugins: [capture] },
    { integrations: { 'Segment.io': false } },
  )
  await analytics
  return {
    analytics,
    deliver: open,
    /** Tracks analytics-next has handed to the destination so far, delivered or not. */
    handedOver: () => handedOver,
    tracks: () =>
      events.map(
        (event) => `${event.userId} ${event.properties!.feature_flag_key} #${event.properties!.variation_id}`,
      ),
  }
}

const configcat = configCatOffline({ promo: { t: 0, v: { b: true }, i: 'promo-on' } })
function Promo({ testId = 'promo' }: { testId?: string }) {
  const { value } = useTrackedFlag('promo', false)
  return <p data-testid={testId}>{String(value)}</p>
}

// The session ledger (per tab) persists what was delivered; what a provider has handed to Segment and
// Segment is still delivering is the same exposure for every other provider of the tab.
describe('an exposure Segment is still delivering, for the same user, in the same tab', () => {
  it('is not sent again by the provider remounted meanwhile (a new key, a layout change)', async () => {
    sessionStorage.clear()
    const segment = await slowSegment('write-key-remount')
    const sdkKey = configCatSdkKey()
    const app = (key: string) => (
      <FlagBridgeProvider
        key={key}
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'u1' }}
      >
        <Promo />
      </FlagBridgeProvider>
    )
    const { rerender, unmount } = render(app('first-layout'))
    expect(screen.getByTestId('promo').textContent).toBe('true')
    // The first provider has handed its exposure over; Segment is still delivering it.
    await waitFor(() => expect(segment.handedOver()).toBe(1))
    rerender(app('second-layout'))
    expect(screen.getByTestId('promo').textContent).toBe('true')
    await settle()
    segment.deliver()
    await settle()
    expect(segment.tracks()).toEqual(['u1 promo #promo-on'])
    expect(segment.handedOver()).toBe(1)
    unmount()
  })

  it('is not sent again by a second provider on the page for the same user, sharing the Segment instance', async () => {
    sessionStorage.clear()
    const segment = await slowSegment('write-key-two')
    const sdkKey = configCatSdkKey()
    const provider = (testId: string) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'u2' }}
      >
        <Promo testId={testId} />
      </FlagBridgeProvider>
    )
    const { unmount } = render(
      <>
        {provider('app')}
        {provider('widget')}
      </>,
    )
    expect(screen.getByTestId('widget').textContent).toBe('true')
    await waitFor(() => expect(segment.handedOver()).toBe(1))
    await settle()
    segment.deliver()
    await settle()
    expect(segment.tracks()).toEqual(['u2 promo #promo-on'])
    expect(segment.handedOver()).toBe(1)
    unmount()
  })
  it('is not sent again by a second provider that shows it after the first one’s was delivered', async () => {
    sessionStorage.clear()
    const segment = await slowSegment('write-key-later')
    segment.deliver()
    const sdkKey = configCatSdkKey()
    function Widget() {
      const [open, setOpen] = useState(false)
      return open ? (
        <Promo testId="widget" />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          open
        </button>
      )
    }
    const provider = (children: ReactNode) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'u3' }}
      >
        {children}
      </FlagBridgeProvider>
    )
    const { unmount } = render(
      <>
        {provider(<Promo testId="app" />)}
        {provider(<Widget />)}
      </>,
    )
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await settle()
    // The widget's provider started with the app's, before the app's exposure was delivered and stored.
    fireEvent.click(screen.getByRole('button', { name: 'open' }))
    expect(screen.getByTestId('widget').textContent).toBe('true')
    await settle()
    expect(segment.tracks()).toEqual(['u3 promo #promo-on'])
    expect(segment.handedOver()).toBe(1)
    unmount()
  })
})
