import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { StrictMode, useEffect, useLayoutEffect } from 'react'
import { describe, expect, it } from 'vitest'
import { capturingSegment, launchDarklyOffline } from './fixtures'

// When FlagBridge starts the LaunchDarkly client (issue 16): the first render reads the bootstrap
// without a client, and the client starts once the children have mounted (as LDProvider starts
// its own in componentDidMount), in a layout effect, before anything of that commit is recorded.
let ids = 0
const log: string[] = []

/** LaunchDarkly's plugin interface: `register` runs inside `initialize()`, as the client is created. */
const creationProbe = {
  getMetadata: () => ({ name: 'creation-probe' }),
  register: () => log.push('client created'),
}
/** The app's own inspector: hears every evaluation LaunchDarkly counts (FlagBridge's `expose`). */
const countedProbe = {
  type: 'flag-used',
  name: 'counted-probe',
  synchronous: true,
  method: (key: string) => log.push(`LaunchDarkly counted ${key}`),
}

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, 'default')
  log.push(`render ${flag}=${value}`)
  useLayoutEffect(() => {
    log.push(`mounted ${flag}`)
  }, [flag])
  useEffect(() => {
    log.push(`effect ${flag}`)
  }, [flag])
  return <p data-testid={flag}>{value}</p>
}

function launchDarkly() {
  return {
    clientSideID: `env-start-${++ids}`,
    options: {
      ...launchDarklyOffline({ a: { value: 'A', variation: 1 }, b: { value: 'B', variation: 0 } }),
      plugins: [creationProbe],
      inspectors: [countedProbe],
    },
  }
}

describe('the LaunchDarkly client starts after the first commit, before its exposures', () => {
  it('renders the bootstrap once, creates the client after the children mounted, then records the exposures', async () => {
    log.length = 0
    const segment = capturingSegment()
    render(
      <FlagBridgeProvider
        launchdarkly={launchDarkly()}
        segment={{ analytics: segment.analytics }}
        user={{ id: 'user-1' }}
      >
        <Show flag="a" />
        <Show flag="b" />
      </FlagBridgeProvider>,
    )
    // The tracking chunk loads, then Segment delivers; settle, then assert the exact lists.
    await waitFor(() => expect(segment.tracks().length).toBeGreaterThanOrEqual(2))
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(log).toEqual([
      'render a=A',
      'render b=B',
      'mounted a',
      'mounted b',
      'client created',
      'effect a',
      'effect b',
      // The exposures of the first commit (useTrackedFlag's effect) reach the client once it has
      // taken its context in (a moment after it was created): LaunchDarkly's own evaluation events…
      'LaunchDarkly counted a',
      'LaunchDarkly counted b',
    ])
    // …and Segment, for the user LaunchDarkly evaluates for; nothing re-rendered.
    expect(
      segment
        .tracks()
        .map((event) => [event.userId, event.properties!.feature_flag_key, event.properties!.variation_id]),
    ).toEqual([
      ['user-1', 'a', '1'],
      ['user-1', 'b', '0'],
    ])
  })

  it('under StrictMode: one client for both mounts, the bootstrap in every render', async () => {
    log.length = 0
    const { unmount } = render(
      <StrictMode>
        <FlagBridgeProvider launchdarkly={launchDarkly()} user={{ id: 'user-1' }}>
          <Show flag="a" />
        </FlagBridgeProvider>
      </StrictMode>,
    )
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(screen.getByTestId('a').textContent).toBe('A')
    expect(log.filter((line) => line === 'client created')).toEqual(['client created'])
    expect(log.filter((line) => line.startsWith('render'))).toEqual(['render a=A', 'render a=A'])
    unmount()
  })
})
