import { type FlagBridgeApi, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

// useFlagBridge()'s identify/reset/setConsent and the provider's `user` and `tracking.consent` props
// drive the same state: the latest wins, and a prop is applied again only when its value changes
// (README, useFlagBridge). These pin who each event is sent for when both are used.

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, false)
  return <p data-testid={flag}>{String(value)}</p>
}

let api: FlagBridgeApi | undefined
function Api() {
  api = useFlagBridge()
  return null
}

const sent = (recorder: ReturnType<typeof createEventRecorder>) =>
  recorder.events.map((event) =>
    event.type === 'track'
      ? `track ${event.userId ?? 'anonymous'} ${event.properties.feature_flag_key}`
      : event.type === 'identify'
        ? `identify ${event.userId}`
        : event.type,
  )

describe('useFlagBridge() beside the provider’s props', () => {
  it('identify() and reset() win until the user prop changes value; then the prop wins', async () => {
    const recorder = createEventRecorder()
    const view = (user: { id: string; name?: string } | undefined, flags: string[]) => (
      <TestFlagBridgeProvider flags={{ a: true, b: true, c: true, d: true }} user={user} recorder={recorder}>
        <Api />
        {flags.map((flag) => (
          <Show key={flag} flag={flag} />
        ))}
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view({ id: 'ada' }, ['a']))
    await act(() => api!.identify({ id: 'bob' }))
    // An equal prop (a new inline object) changes nothing: b is bob's.
    rerender(view({ id: 'ada' }, ['a', 'b']))
    await act(() => api!.reset())
    rerender(view({ id: 'ada' }, ['a', 'b', 'c']))
    // The prop changes value: it wins again.
    rerender(view({ id: 'ada', name: 'Ada' }, ['a', 'b', 'c', 'd']))
    await act(async () => {})
    expect(sent(recorder)).toEqual([
      'identify ada',
      'track ada a',
      'reset',
      'identify bob',
      'track bob a',
      'track bob b',
      'reset',
      'track anonymous a',
      'track anonymous b',
      'track anonymous c',
      'identify ada',
      'track ada b',
      'track ada c',
      'track ada d',
    ])
  })

  it('setConsent() wins until tracking.consent changes value', async () => {
    const recorder = createEventRecorder()
    const view = (consent: boolean, flags: string[]) => (
      <TestFlagBridgeProvider
        flags={{ a: true, b: true }}
        user={{ id: 'ada' }}
        tracking={{ consent }}
        recorder={recorder}
      >
        <Api />
        {flags.map((flag) => (
          <Show key={flag} flag={flag} />
        ))}
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view(true, []))
    act(() => api!.setConsent(false))
    rerender(view(true, ['a']))
    await act(async () => {})
    expect(sent(recorder)).toEqual(['identify ada'])
    // Withdrawn by the prop, then given by it: a change of value, so the prop wins.
    rerender(view(false, ['a', 'b']))
    rerender(view(true, ['a', 'b']))
    await act(async () => {})
    expect(sent(recorder)).toEqual(['identify ada', 'track ada a', 'track ada b'])
  })
})
