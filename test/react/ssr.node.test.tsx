// @vitest-environment node
import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { launchDarklyBootstrap } from './fixtures'

function Flags() {
  const checkout = useTrackedFlag('new-checkout', false)
  const banner = useTrackedFlag('banner-text', 'default banner')
  return (
    <p>
      checkout={String(checkout.value)}/{checkout.loading ? 'loading' : 'ready'} banner={banner.value}/
      {banner.variationId}
    </p>
  )
}

describe('server rendering with no window', () => {
  it('renders defaults for ConfigCat and bootstrapped values for LaunchDarkly, sending nothing', () => {
    expect(typeof window).toBe('undefined')
    const segment = { track: vi.fn(), identify: vi.fn(), reset: vi.fn() }
    const heap = {
      loaded: true,
      identify: vi.fn(),
      track: vi.fn(),
      addUserProperties: vi.fn(),
      addEventProperties: vi.fn(),
    }
    const html = renderToString(
      <FlagBridgeProvider
        configcat={{ sdkKey: `configcat-sdk-1/${'a'.repeat(22)}/${'b'.repeat(22)}` }}
        launchdarkly={{
          clientSideID: 'ld-ssr',
          options: {
            bootstrap: launchDarklyBootstrap({ 'banner-text': { value: 'Server sale', variation: 3 } }),
          },
        }}
        segment={{ analytics: segment }}
        heap={{ api: heap as never }}
        user={{ id: 'user-1' }}
        routing={{ flags: { 'new-checkout': 'configcat', 'banner-text': 'launchdarkly' } }}
      >
        <Flags />
      </FlagBridgeProvider>,
    )
    // React separates text nodes with <!-- --> markers.
    expect(html.replaceAll('<!-- -->', '')).toBe('<p>checkout=false/loading banner=Server sale/3</p>')
    for (const method of [
      ...Object.values(segment),
      heap.identify,
      heap.track,
      heap.addUserProperties,
      heap.addEventProperties,
    ]) {
      expect(method).not.toHaveBeenCalled()
    }
  })
})
