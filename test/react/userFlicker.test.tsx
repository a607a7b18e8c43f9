import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey, heapStandIn } from './fixtures'

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, false)
  return <p data-testid={flag}>{String(value)}</p>
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))

// Auth libraries often drop the user for a moment (a token refresh, a session re-check): the
// same user back on the same page has already seen the flag.
describe("dedupe 'page': a user who comes back on the same page", () => {
  it('a → anonymous → a: Segment and Heap receive a’s exposure once, and a’s flags are Heap event properties again', async () => {
    const segment = capturingSegment()
    const heap = heapStandIn()
    heap.load()
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const sdkKey = configCatSdkKey()
    const app = (user: { id: string } | undefined) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        heap={{ api: heap.api }}
        user={user}
        tracking={{ dedupe: 'page' }}
      >
        <Show flag="beta" />
      </FlagBridgeProvider>
    )
    const { rerender } = render(app({ id: 'ada' }))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await settle()
    rerender(app(undefined))
    await settle()
    rerender(app({ id: 'ada' }))
    await settle()
    expect(
      segment.tracks().map((event) => [event.userId ?? 'anonymous', event.properties!.variation_id]),
    ).toEqual([
      ['ada', 'beta-on'],
      ['anonymous', 'beta-on'],
    ])
    expect(heap.calls.filter(([name]) => name === 'track').map((call) => call[2])).toEqual([
      { feature_flag_key: 'beta', value: true, variation_id: 'beta-on', flag_provider: 'configcat' },
      { feature_flag_key: 'beta', value: true, variation_id: 'beta-on', flag_provider: 'configcat' },
    ])
    // a's events carry the flag again: what a's page had as Heap event properties is restored.
    expect(heap.properties).toEqual({ beta: true })
    expect(
      heap.calls.filter(
        ([name]) => name !== 'track' && name !== 'addEventProperties' && name !== 'removeEventProperty',
      ),
    ).toEqual([['identify', 'ada'], ['resetIdentity'], ['identify', 'ada']])
  })
})
