import { useTrackedFlag } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { DemoLayout } from './support/ReceivedPanel'

function Shop() {
  const { value: newCheckout, variationId } = useTrackedFlag('new-checkout', false)
  const { value: navLayout } = useTrackedFlag('nav-layout', 'topbar')
  return (
    <div>
      <nav aria-label="Main" data-layout={navLayout} style={{ marginBottom: 8 }}>
        Navigation: <strong>{navLayout}</strong> (LaunchDarkly <code>nav-layout</code>)
      </nav>
      <button type="button">{newCheckout ? 'New checkout' : 'Classic checkout'}</button>
      <p style={{ fontSize: 12 }}>
        ConfigCat <code>new-checkout</code> → {String(newCheckout)} (variation {variationId ?? '–'})
      </p>
    </div>
  )
}

interface QuickStartArgs {
  userId: string
  name: string
  email: string
}

function QuickStart({ demo, userId, name, email }: QuickStartArgs & { demo: Demo }) {
  return (
    <DemoLayout demo={demo}>
      <DemoProvider
        demo={demo}
        user={userId ? { id: userId, name, email, privateAttributes: ['email'] } : undefined}
      >
        <Shop />
      </DemoProvider>
    </DemoLayout>
  )
}

/**
 * `<FlagBridgeProvider>` with ConfigCat and LaunchDarkly, Segment and Heap. Each flag a
 * component shows is sent once to both destinations — the panel on the right lists what
 * each one received, as it arrives. With `pnpm demo` the real SDKs talk to a vendor
 * stand-in served by Storybook's dev server; in a static build they run offline.
 */
const meta: Meta<QuickStartArgs> = {
  title: 'FlagBridge/Quick start',
  args: { userId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  argTypes: {
    userId: { control: 'text', description: 'Empty for an anonymous visitor' },
    email: { control: 'text', description: 'A private attribute: never sent to analytics' },
  },
  loaders: [
    demoLoader({
      initialUserId: 'ada',
      flags: {
        configcat: { 'new-checkout': { value: true, variationId: 'cc-checkout-on' } },
        launchdarkly: { 'nav-layout': { value: 'sidebar', variationId: '1' } },
      },
    }),
  ],
  render: (args, { loaded }) => <QuickStart {...args} demo={loaded.demo as Demo} />,
}

export default meta
type Story = StoryObj<QuickStartArgs>

export const BothVendorsBothDestinations: Story = {
  name: 'Both vendors, both destinations',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    await expect(await canvas.findByRole('button', { name: 'New checkout' })).toBeVisible()
    await waitFor(() => expect(canvas.getByRole('navigation')).toHaveAttribute('data-layout', 'sidebar'))

    // Each exposure reaches Segment once, with the contract's properties, after identify.
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(2), { timeout: 5000 })
    const segment = demo.received.segmentTracks()
    expect(segment.map((event) => event.properties)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          feature_flag_key: 'new-checkout',
          value: true,
          variation_id: 'cc-checkout-on',
          flag_provider: 'configcat',
          user: { name: 'Ada Lovelace' },
        }),
        expect.objectContaining({
          feature_flag_key: 'nav-layout',
          value: 'sidebar',
          variation_id: '1',
          flag_provider: 'launchdarkly',
        }),
      ]),
    )
    for (const event of segment) expect(event.userId).toBe('ada')
    const segmentNames = demo.received
      .entries()
      .filter((entry) => entry.destination === 'segment')
      .map((entry) => entry.name)
    expect(segmentNames.indexOf('identify')).toBeLessThan(segmentNames.indexOf('Feature Flag Evaluated'))
    expect(JSON.stringify(segment)).not.toContain('ada@example.com')

    // Heap: identify, then one track per exposure with scalar properties.
    await waitFor(() => expect(demo.received.heapTracks()).toHaveLength(2))
    expect(
      demo.received
        .heapTracks()
        .map(([, properties]) => properties.feature_flag_key)
        .sort(),
    ).toEqual(['nav-layout', 'new-checkout'])
    const heapNames = demo.received
      .entries()
      .filter((entry) => entry.destination === 'heap')
      .map((entry) => entry.name)
    expect(heapNames.indexOf('identify')).toBeLessThan(heapNames.indexOf('track'))
    expect(demo.heap.eventProperties).toEqual({ 'new-checkout': true, 'nav-layout': 'sidebar' })

    // The panel shows the same, as a person sees it.
    const panel = within(canvas.getByRole('complementary', { name: 'Received events' }))
    await waitFor(() => expect(panel.getByTestId('segment-count')).toHaveTextContent(/^[3-9]$/))
  },
}
