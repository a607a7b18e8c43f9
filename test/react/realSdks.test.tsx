import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import {
  capturingSegment,
  configCatOffline,
  configCatSdkKey,
  heapStandIn,
  launchDarklyOffline,
} from './fixtures'

function Flags({ renders }: { renders?: Record<string, number> }) {
  const checkout = useTrackedFlag('new-checkout', false)
  const banner = useTrackedFlag('banner-text', 'default banner', { source: 'launchdarkly' })
  if (renders) renders.flags = (renders.flags ?? 0) + 1
  return (
    <p>
      <span data-testid="checkout">{String(checkout.value)}</span>
      <span data-testid="checkout-variation">{checkout.variationId}</span>
      <span data-testid="banner">{banner.value}</span>
      <span data-testid="banner-source">{banner.source}</span>
    </p>
  )
}

describe('FlagBridgeProvider over the real ConfigCat and LaunchDarkly SDKs', () => {
  it('serves both vendors on the first render and sends one exposure per flag to Segment and Heap', async () => {
    const configcat = configCatOffline({ 'new-checkout': { t: 0, v: { b: true }, i: 'cc-var-1' } })
    const segment = capturingSegment()
    const heap = heapStandIn()
    heap.load()
    const onError = vi.fn()
    const firstRender: string[] = []
    function FirstRender() {
      const { value } = useTrackedFlag('new-checkout', false)
      if (firstRender.length === 0) firstRender.push(String(value))
      return null
    }

    render(
      <StrictMode>
        <FlagBridgeProvider
          configcat={{ sdkKey: configCatSdkKey(), options: configcat.options }}
          launchdarkly={{
            clientSideID: 'ld-env-1',
            options: launchDarklyOffline({ 'banner-text': { value: 'Summer sale', variation: 2 } }),
          }}
          segment={{ analytics: segment.analytics }}
          heap={{ api: heap.api }}
          user={{
            id: 'user-1',
            email: 'a@example.com',
            attributes: { plan: 'pro' },
            privateAttributes: ['email'],
          }}
        >
          <FirstRender />
          <Flags />
        </FlagBridgeProvider>
      </StrictMode>,
    )

    expect(firstRender).toEqual(['true'])
    expect(screen.getByTestId('checkout').textContent).toBe('true')
    expect(screen.getByTestId('checkout-variation').textContent).toBe('cc-var-1')
    expect(screen.getByTestId('banner').textContent).toBe('Summer sale')
    expect(screen.getByTestId('banner-source').textContent).toBe('launchdarkly')

    await waitFor(() => expect(segment.tracks()).toHaveLength(2))
    const identifies = segment.events.filter((event) => event.type === 'identify')
    expect(identifies).toHaveLength(1)
    expect(identifies[0]!.userId).toBe('user-1')
    expect(identifies[0]!.traits).toEqual({ plan: 'pro' })
    expect(segment.events[0]!.type).toBe('identify')
    const byKey = Object.fromEntries(
      segment.tracks().map((event) => [event.properties!.feature_flag_key, event]),
    )
    expect(byKey['new-checkout']!.event).toBe('Feature Flag Evaluated')
    expect(byKey['new-checkout']!.userId).toBe('user-1')
    expect(byKey['new-checkout']!.properties).toEqual({
      feature_flag_key: 'new-checkout',
      value: true,
      variation_id: 'cc-var-1',
      flag_provider: 'configcat',
      user: { plan: 'pro' },
    })
    expect(byKey['new-checkout']!.context!.integration).toEqual({ name: 'configcat', version: '1.0.0' })
    expect(byKey['banner-text']!.properties).toEqual({
      feature_flag_key: 'banner-text',
      value: 'Summer sale',
      variation_id: '2',
      flag_provider: 'launchdarkly',
      user: { plan: 'pro' },
    })
    expect(byKey['banner-text']!.context!.integration).toEqual({ name: 'launchdarkly', version: '1.0.0' })

    expect(heap.calls.filter(([name]) => name === 'identify')).toEqual([['identify', 'user-1']])
    expect(heap.calls.filter(([name]) => name === 'addUserProperties')).toEqual([
      ['addUserProperties', { ldUserId: 'user-1', plan: 'pro' }],
    ])
    expect(heap.calls.filter(([name]) => name === 'track')).toHaveLength(2)
    expect(heap.properties).toEqual({ 'new-checkout': true, 'banner-text': 'Summer sale' })
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
    })
    // Nothing more after things settle (StrictMode double effects included).
    expect(segment.tracks()).toHaveLength(2)
    expect(heap.calls.filter(([name]) => name === 'track')).toHaveLength(2)
    // StrictMode's unmount/remount of the vendor bindings is invisible: no error on the way.
    expect(onError).not.toHaveBeenCalled()
  })
})
