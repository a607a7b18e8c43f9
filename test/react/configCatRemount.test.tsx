import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey } from './fixtures'

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))

/** ConfigCat offline: `promo` is true (promo-ada) for the identifier "ada", else false (promo-off). */
const promoForAda = () =>
  configCatOffline({
    promo: {
      t: 0,
      v: { b: false },
      i: 'promo-off',
      r: [{ c: [{ u: { a: 'Identifier', c: 0, l: ['ada'] } }], s: { v: { b: true }, i: 'promo-ada' } }],
    },
  })

/** Reads `promo`, noting each render: 'loading' or the value shown. */
function promoReader(renders: string[]) {
  return function Promo() {
    const { value, loading } = useTrackedFlag('promo', false)
    renders.push(loading ? 'loading' : String(value))
    return <p data-testid="promo">{String(value)}</p>
  }
}

// configcat-react keeps one client per SDK key while a provider uses it: a provider remounted with a
// new `key` (a common way to reset a tree on sign-out) gets the same client, whose default user
// FlagBridge set to the previous user.
describe('ConfigCat: a provider remounted for the next visitor on the same client', () => {
  it('the anonymous visitor after a sign-out is never shown, or sent, the previous user’s variation', async () => {
    const configcat = promoForAda()
    const segment = capturingSegment()
    const sdkKey = configCatSdkKey()
    const renders: string[] = []
    const Promo = promoReader(renders)
    const app = (user: { id: string } | undefined) => (
      <FlagBridgeProvider
        key={user?.id ?? 'anonymous'}
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={user}
        tracking={{ dedupe: 'page' }}
      >
        <Promo />
      </FlagBridgeProvider>
    )
    const { rerender } = render(app({ id: 'ada' }))
    expect(screen.getByTestId('promo').textContent).toBe('true')
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await settle()
    renders.length = 0
    // Sign-out: the app remounts the provider for the anonymous visitor.
    const consoleError = vi.spyOn(console, 'error')
    rerender(app(undefined))
    await settle()
    // Reading for the anonymous visitor sets no React state while rendering (configcat-react's
    // patched setDefaultUser/clearDefaultUser would).
    expect(consoleError.mock.calls.map(String).filter((text) => /Cannot update/.test(text))).toEqual([])
    consoleError.mockRestore()
    expect(screen.getByTestId('promo').textContent).toBe('false')
    expect(
      segment.tracks().map((event) => [event.userId ?? 'anonymous', event.properties!.variation_id]),
    ).toEqual([
      ['ada', 'promo-ada'],
      ['anonymous', 'promo-off'],
    ])
    // The anonymous visitor's own value from the first render, while ada is still the client's
    // default user (the new provider clears it in a layout effect): evaluated without her.
    expect(renders).toEqual(['false'])
  })
})

describe('ConfigCat: the client’s default user is FlagBridge’s `user`', () => {
  it('a defaultUser in the options never serves the anonymous visitor another user’s values: `user` is the only user', async () => {
    const configcat = promoForAda()
    const segment = capturingSegment()
    const renders: string[] = []
    const Promo = promoReader(renders)
    render(
      <FlagBridgeProvider
        configcat={{
          sdkKey: configCatSdkKey(),
          options: { ...configcat.options, defaultUser: { identifier: 'ada' } },
        }}
        segment={{ analytics: segment.analytics }}
        user={undefined}
        tracking={{ dedupe: 'page' }}
      >
        <Promo />
      </FlagBridgeProvider>,
    )
    await waitFor(() => expect(segment.tracks().length).toBeGreaterThan(0))
    await settle()
    expect(screen.getByTestId('promo').textContent).toBe('false')
    expect(renders).toEqual(['false'])
    expect(
      segment.tracks().map((event) => [event.userId ?? 'anonymous', event.properties!.variation_id]),
    ).toEqual([['anonymous', 'promo-off']])
  })
})
