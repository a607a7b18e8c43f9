import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { capturingSegment, configCatOffline, configCatSdkKey } from './fixtures'

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, false)
  return <p data-testid={flag}>{String(value)}</p>
}

describe('consent revoked in the same commit that reveals a flag', () => {
  it('TestFlagBridgeProvider: the flag shown in that commit waits for consent', () => {
    const recorder = createEventRecorder()
    const view = (consent: boolean, showBeta: boolean) => (
      <TestFlagBridgeProvider
        flags={{ beta: true }}
        user={{ id: 'u1' }}
        tracking={{ dedupe: 'page', consent }}
        recorder={recorder}
      >
        {showBeta ? <Show flag="beta" /> : null}
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view(true, false))
    expect(recorder.events.map((event) => event.type)).toEqual(['identify'])

    rerender(view(false, true))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    expect(recorder.events.map((event) => event.type)).toEqual(['identify'])

    rerender(view(true, true))
    expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['beta'])
  })

  it('FlagBridgeProvider with analytics-next: nothing reaches Segment until consent is given again', async () => {
    const segment = capturingSegment()
    await segment.analytics
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const sdkKey = configCatSdkKey()
    const view = (consent: boolean, showBeta: boolean) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'u1' }}
        tracking={{ dedupe: 'page', consent }}
      >
        {showBeta ? <Show flag="beta" /> : null}
      </FlagBridgeProvider>
    )
    const { rerender } = render(view(true, false))
    await waitFor(() => expect(segment.events.map((event) => event.type)).toEqual(['identify']))

    rerender(view(false, true))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    // analytics-next delivers asynchronously: let anything that was handed over arrive.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(segment.events.map((event) => event.type)).toEqual(['identify'])

    rerender(view(true, true))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    // Settle: a late second track would show in the exact list.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(segment.events.map((event) => event.type)).toEqual(['identify', 'track'])
  })
})

describe('consent withdrawn while the tracking code is still loading', () => {
  it('FlagBridgeProvider with analytics-next: nothing is loaded or sent after withdrawal; re-granting sends each call once', async () => {
    const segment = capturingSegment()
    // The app's Analytics, loaded already: a destination made from it is ready at once.
    const [analytics] = await segment.analytics
    let segmentLoads = 0
    const configcat = configCatOffline({ beta: { t: 0, v: { b: true }, i: 'beta-on' } })
    const sdkKey = configCatSdkKey()
    const view = (consent: boolean) => (
      <FlagBridgeProvider
        configcat={{ sdkKey, options: configcat.options }}
        segment={{
          analytics: () => {
            segmentLoads++
            return analytics
          },
        }}
        user={{ id: 'u1', email: 'u1@example.com' }}
        tracking={{ dedupe: 'page', consent }}
      >
        <Show flag="beta" />
      </FlagBridgeProvider>
    )
    // Consent is given at mount, and the flag is shown (its exposure waits for the tracking chunk).
    const { rerender } = render(view(true))
    expect(screen.getByTestId('beta').textContent).toBe('true')
    // Withdrawn before the tracking chunk has loaded (its import() is still pending).
    rerender(view(false))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(segment.events).toEqual([])
    expect(segmentLoads).toBe(0)

    rerender(view(true))
    await waitFor(() => expect(segment.tracks()).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(segmentLoads).toBe(1)
    expect(segment.events.map((event) => [event.type, event.userId, event.event])).toEqual([
      ['identify', 'u1', undefined],
      ['track', 'u1', 'Feature Flag Evaluated'],
    ])
  })
})
