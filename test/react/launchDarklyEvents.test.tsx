import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createLaunchDarklyInspectors,
  FlagBridgeProvider,
  useFlagBridge,
  useTrackedFlag,
} from '@flagbridge/react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { initialize } from 'launchdarkly-js-client-sdk'
import { type LDClient, useLDClient } from 'launchdarkly-react-client-sdk'
import { Component, type ReactNode, StrictMode, useState } from 'react'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// LaunchDarkly's evalx and events endpoints, standing in locally.
const FLAGS = { a: 'A', b: 'B', c: 'C' }
const eventBatches: Array<
  Array<{ kind: string; features?: Record<string, { counters: Array<{ count: number }> }> }>
> = []
let server: Server
let baseUrl: string
beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Access-Control-Allow-Origin', '*')
    response.setHeader('Access-Control-Allow-Headers', '*')
    if (request.method === 'OPTIONS') return void response.end()
    if (request.url?.startsWith('/sdk/evalx/')) {
      const body = Object.fromEntries(
        Object.entries(FLAGS).map(([key, value], index) => [
          key,
          { value, variation: index, version: 1, flagVersion: 1, trackEvents: true },
        ]),
      )
      response.setHeader('Content-Type', 'application/json')
      return void response.end(JSON.stringify(body))
    }
    if (request.url?.startsWith('/events/bulk/')) {
      let text = ''
      request.on('data', (chunk) => {
        text += chunk
      })
      request.on('end', () => {
        eventBatches.push(JSON.parse(text))
        response.writeHead(202).end()
      })
      return
    }
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** How many evaluations of each flag LaunchDarkly counted (its summary events). */
function evaluationCounts() {
  const counts: Record<string, number> = {}
  for (const event of eventBatches.flat()) {
    if (event.kind !== 'summary') continue
    for (const [key, feature] of Object.entries(event.features ?? {}))
      counts[key] = (counts[key] ?? 0) + feature.counters.reduce((sum, counter) => sum + counter.count, 0)
  }
  return counts
}

/**
 * Sends what the client counted, then, after a pause, anything counted late: a late or repeated
 * evaluation would show in the counts asserted after this.
 */
async function flushSettled(client: Pick<LDClient, 'flush'>) {
  await client.flush()
  await waitFor(() => expect(eventBatches.length).toBeGreaterThan(0))
  await act(() => new Promise((resolve) => setTimeout(resolve, 100)))
  await client.flush()
  await new Promise((resolve) => setTimeout(resolve, 50))
}

function Show({ flag }: { flag: string }) {
  const { value } = useTrackedFlag(flag, '')
  return <p data-testid={flag}>{value}</p>
}

/** Reads `c`, then fails: React discards the render, nothing of it is ever shown. */
function ReadsThenFails(): ReactNode {
  useTrackedFlag('c', '')
  throw new Error('not shown')
}
class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }
  static getDerivedStateFromError() {
    return { failed: true }
  }
  override render() {
    return this.state.failed ? null : this.props.children
  }
}

describe('LaunchDarkly’s own evaluation events follow the exposure rule: once, after commit, for what was shown', () => {
  it('shown flags count once each; a discarded render, re-renders, a refresh and StrictMode count nothing more', async () => {
    let api: ReturnType<typeof useFlagBridge> | undefined
    let client: LDClient | undefined
    let showB: ((show: boolean) => void) | undefined
    function App() {
      api = useFlagBridge()
      client = useLDClient() ?? client
      const [b, setB] = useState(true)
      showB = setB
      return (
        <>
          <Show flag="a" />
          {b && <Show flag="b" />}
          <Boundary>
            <ReadsThenFails />
          </Boundary>
        </>
      )
    }
    const consoleError = console.error
    console.error = () => {}
    try {
      render(
        <StrictMode>
          <FlagBridgeProvider
            launchdarkly={{
              clientSideID: 'env-events',
              options: {
                baseUrl,
                eventsUrl: baseUrl,
                streaming: false,
                fetchGoals: false,
                diagnosticOptOut: true,
                flushInterval: 60_000,
                logger: { debug() {}, info() {}, warn() {}, error() {} },
              },
            }}
            user={{ id: 'user-1' }}
          >
            <App />
          </FlagBridgeProvider>
        </StrictMode>,
      )
      await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('A'))
      expect(screen.getByTestId('b').textContent).toBe('B')
      // Unmount b and show it again: the same exposure, not a new evaluation.
      act(() => showB!(false))
      act(() => showB!(true))
      // Same user, new attributes: LaunchDarkly fetches again and every shown flag is refreshed.
      await act(async () => {
        await api!.identify({ id: 'user-1', attributes: { plan: 'pro' } })
      })
    } finally {
      console.error = consoleError
    }
    await flushSettled(client!)
    expect(evaluationCounts()).toEqual({ a: 1, b: 1 })
  })

  it('with a bootstrap the first commit’s flags count too, though the client takes its context in a moment later', async () => {
    // The flags are served from the first render; their exposures are recorded in the effects of
    // that commit, which React runs at once here (inside act(), or for a mount a click caused),
    // while the client just created has not taken its context in: LaunchDarkly drops an
    // evaluation event without one ("call identify").
    eventBatches.length = 0
    let client: LDClient | undefined
    function Client() {
      client = useLDClient() ?? client
      return null
    }
    const warnings: unknown[] = []
    const { unmount } = render(
      <FlagBridgeProvider
        launchdarkly={{
          clientSideID: 'env-events-bootstrap',
          options: {
            baseUrl,
            eventsUrl: baseUrl,
            streaming: false,
            fetchGoals: false,
            diagnosticOptOut: true,
            flushInterval: 60_000,
            bootstrap: {
              a: 'A',
              b: 'B',
              $flagsState: {
                a: { variation: 0, version: 1 },
                b: { variation: 1, version: 1 },
              },
              $valid: true,
            },
            logger: { debug() {}, info() {}, warn: (message: unknown) => warnings.push(message), error() {} },
          },
        }}
        user={{ id: 'user-1' }}
      >
        <Show flag="a" />
        <Show flag="b" />
        <Client />
      </FlagBridgeProvider>,
    )
    expect(screen.getByTestId('a').textContent).toBe('A')
    await waitFor(() => expect(client).toBeDefined())
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    await flushSettled(client!)
    expect(evaluationCounts()).toEqual({ a: 1, b: 1 })
    expect(
      eventBatches
        .flat()
        .map((event) => `${event.kind} ${(event as { context?: { key?: string } }).context?.key ?? ''}`),
    ).toEqual(['identify user-1', 'summary user-1'])
    expect(warnings).toEqual([])
    unmount()
  })

  it('launchdarkly={{ client, inspectors }}: the app’s own client counts what was shown, once, not every render', async () => {
    eventBatches.length = 0
    const launchDarkly = createLaunchDarklyInspectors()
    const client = initialize(
      'env-own-client-events',
      { kind: 'user', key: 'user-1' },
      {
        baseUrl,
        eventsUrl: baseUrl,
        streaming: false,
        fetchGoals: false,
        diagnosticOptOut: true,
        flushInterval: 60_000,
        // LDProvider reads allFlags(), which LaunchDarkly would otherwise count for every flag.
        sendEventsOnlyForVariation: true,
        inspectors: launchDarkly.inspectors as never,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    )
    await client.waitForInitialization(5)
    const consoleError = console.error
    console.error = () => {}
    let api: ReturnType<typeof useFlagBridge> | undefined
    function Api() {
      api = useFlagBridge()
      return null
    }
    const { unmount } = render(
      <StrictMode>
        <FlagBridgeProvider launchdarkly={{ client, inspectors: launchDarkly }} user={{ id: 'user-1' }}>
          <Show flag="a" />
          <Boundary>
            <ReadsThenFails />
          </Boundary>
          <Api />
        </FlagBridgeProvider>
      </StrictMode>,
    )
    try {
      await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('A'))
      await act(async () => {
        await api!.identify({ id: 'user-1', attributes: { plan: 'pro' } })
      })
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    } finally {
      console.error = consoleError
    }
    await flushSettled(client)
    expect(evaluationCounts()).toEqual({ a: 1 })
    unmount()
    await client.close()
  })
})
