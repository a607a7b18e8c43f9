import { type EventLogEntry, useFlagBridge } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState, useSyncExternalStore } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

const noEntries: readonly EventLogEntry[] = []

/** FlagBridge's own event log: what waits, what was sent, what was deduplicated. */
function EventStatuses() {
  const { bridge } = useFlagBridge()
  const entries = useSyncExternalStore(bridge.log.subscribe, bridge.log.entries, () => noEntries)
  const tracks = entries.filter((entry) => entry.name === 'Feature Flag Evaluated')
  return (
    <ul aria-label="Exposure log" style={{ fontSize: 12, fontFamily: 'monospace' }}>
      {tracks.map((entry) => (
        <li key={entry.id} data-status={entry.status}>
          {entry.destination} {entry.flagKey} {entry.status}
        </li>
      ))}
    </ul>
  )
}

function DedupDemo({ demo, initialConsent }: { demo: Demo; initialConsent: boolean }) {
  const [consent, setConsent] = useState(initialConsent)
  const [renders, setRenders] = useState(0)
  const [mount, setMount] = useState(0)
  return (
    <DemoLayout demo={demo}>
      <p style={{ display: 'flex', gap: 8 }}>
        <button type="button" onClick={() => setRenders((count) => count + 1)}>
          Re-render
        </button>
        <button type="button" onClick={() => setMount((count) => count + 1)}>
          Remount
        </button>
        <button type="button" aria-pressed={consent} onClick={() => setConsent((on) => !on)}>
          {consent ? 'Withdraw consent' : 'Give consent'}
        </button>
      </p>
      <DemoProvider demo={demo} user={{ id: 'kim' }} tracking={{ consent }}>
        <FlagCard
          key={mount}
          flagKey="new-checkout"
          defaultValue={false}
          label={`Checkout (render ${renders})`}
        />
        <EventStatuses />
      </DemoProvider>
    </DemoLayout>
  )
}

/**
 * An exposure is recorded after commit and deduplicated (identity + provider + key +
 * variation): re-renders and remounts send nothing new. While `tracking.consent` is
 * false, Segment and Heap calls wait in order; giving consent flushes them.
 */
const meta: Meta<{ consent: boolean }> = {
  title: 'FlagBridge/Dedup and consent',
  args: { consent: false },
  argTypes: { consent: { control: 'boolean', description: 'Initial `tracking.consent`' } },
  loaders: [
    demoLoader({
      initialUserId: 'kim',
      flags: { configcat: { 'new-checkout': { value: true, variationId: 'cc-checkout-on' } } },
    }),
  ],
  render: (args, { loaded }) => <DedupDemo demo={loaded.demo as Demo} initialConsent={args.consent} />,
}

export default meta

export const ConsentThenOneEvent: StoryObj<{ consent: boolean }> = {
  name: 'Consent off queues, on flushes once',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    const card = async () => within(await canvas.findByRole('article'))
    await waitFor(async () => expect((await card()).getByTestId('state')).toHaveTextContent('served'))
    for (let i = 0; i < 3; i++) await userEvent.click(canvas.getByRole('button', { name: 'Re-render' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Remount' }))
    const log = within(canvas.getByRole('list', { name: 'Exposure log' }))
    const statuses = () => log.queryAllByRole('listitem').map((item) => item.dataset.status)
    // One exposure, waiting for each destination; nothing sent.
    await waitFor(() =>
      expect(statuses().filter((status) => status === 'waiting-for-consent')).toHaveLength(2),
    )
    expect(statuses()).not.toContain('sent')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(demo.received.segmentTracks()).toEqual([])
    expect(demo.received.heapTracks()).toEqual([])

    await userEvent.click(canvas.getByRole('button', { name: 'Give consent' }))
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(1))
    await waitFor(() => expect(demo.received.heapTracks()).toHaveLength(1))

    for (let i = 0; i < 3; i++) await userEvent.click(canvas.getByRole('button', { name: 'Re-render' }))
    await userEvent.click(canvas.getByRole('button', { name: 'Remount' }))
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(demo.received.segmentTracks()).toHaveLength(1)
    expect(demo.received.heapTracks()).toHaveLength(1)
    expect(demo.received.segmentTracks()[0]?.properties).toMatchObject({
      feature_flag_key: 'new-checkout',
      variation_id: 'cc-checkout-on',
    })
  },
}
