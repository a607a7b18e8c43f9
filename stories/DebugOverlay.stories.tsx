import { FlagDebugOverlay, type FlagDebugOverlayPosition } from '@flagbridge/react/devtools'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, fireEvent, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

interface OverlayArgs {
  position: FlagDebugOverlayPosition
  defaultOpen: boolean
  allowOverrides: boolean
}

/**
 * `<FlagDebugOverlay>` from `@flagbridge/react/devtools`: every flag with its value,
 * vendor and variation, local overrides, the live event log of what went to Segment and
 * Heap, identity and health. It lives in a shadow root, and renders nothing in
 * production unless `enabled` — a static Storybook build is a production build, so the
 * story passes `enabled`.
 */
const meta: Meta<OverlayArgs> = {
  title: 'Devtools/Debug overlay',
  args: { position: 'bottom-right', defaultOpen: false, allowOverrides: true },
  argTypes: {
    position: { control: 'inline-radio', options: ['bottom-right', 'bottom-left', 'top-right', 'top-left'] },
  },
  parameters: { layout: 'fullscreen', storyTest: { axe: true } },
  loaders: [
    demoLoader({
      initialUserId: 'mei',
      flags: {
        configcat: {
          'new-checkout': { value: true, variationId: 'cc-checkout-on' },
          'search-v2': { value: true, variationId: 'cc-search-on' },
        },
        launchdarkly: { theme: { value: 'light', variationId: '0' } },
      },
    }),
  ],
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <div style={{ padding: 16, minHeight: 640 }}>
        <DemoLayout demo={demo}>
          <DemoProvider demo={demo} user={{ id: 'mei', name: 'Mei' }}>
            <FlagCard flagKey="new-checkout" defaultValue={false} label="Checkout" />
            <FlagCard flagKey="search-v2" defaultValue={false} label="Search" />
            <FlagCard flagKey="theme" defaultValue="light" label="Theme" />
            <FlagDebugOverlay
              enabled
              persistOverrides={false}
              position={args.position}
              defaultOpen={args.defaultOpen}
              allowOverrides={args.allowOverrides}
            />
          </DemoProvider>
        </DemoLayout>
      </div>
    )
  },
}

export default meta

/** The overlay's own DOM, inside its shadow root. */
async function overlayRoot() {
  let mount: HTMLElement | null = null
  await waitFor(() => {
    mount = document.querySelector('flagbridge-devtools')?.shadowRoot?.querySelector('div') ?? null
    expect(mount).not.toBeNull()
  })
  return within(mount as unknown as HTMLElement)
}

export const OpenFilterOverrideEvents: StoryObj<OverlayArgs> = {
  name: 'Open, filter, override, event log',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    const checkout = within(await canvas.findByRole('article', { name: 'Checkout' }))
    await waitFor(() => expect(checkout.getByTestId('state')).toHaveTextContent('served'))
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(3))

    // Open.
    const overlay = await overlayRoot()
    await userEvent.click(overlay.getByRole('button', { name: 'FlagBridge devtools' }))
    const dialog = within(await overlay.findByRole('dialog', { name: 'FlagBridge devtools' }))
    await waitFor(() =>
      expect(dialog.getByRole('button', { name: 'Set false: new-checkout (configcat)' })).toBeVisible(),
    )

    // Filter by key.
    // user-event types into document.activeElement, which is the shadow host here: set the value directly.
    const search = dialog.getByRole('searchbox', { name: 'Search flags by key' })
    fireEvent.change(search, { target: { value: 'theme' } })
    await waitFor(() =>
      expect(dialog.queryByRole('button', { name: 'Set false: new-checkout (configcat)' })).toBeNull(),
    )
    fireEvent.change(search, { target: { value: '' } })

    // Override: the page shows it at once; analytics never hear of it.
    await userEvent.click(await dialog.findByRole('button', { name: 'Set false: new-checkout (configcat)' }))
    await waitFor(() => expect(checkout.getByTestId('state')).toHaveTextContent('overridden'))
    await expect(checkout.getByTestId('value')).toHaveTextContent('false')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(demo.received.segmentTracks()).toHaveLength(3)
    expect(demo.received.segmentTracks().some((event) => event.properties?.value === false)).toBe(false)

    // Event log: what was sent, per destination.
    await userEvent.click(dialog.getByRole('tab', { name: 'Events' }))
    const events = within(dialog.getByRole('tabpanel'))
    await waitFor(() => expect(events.getAllByText(/new-checkout/).length).toBeGreaterThan(0))
    await expect(dialog.getByRole('tabpanel')).toHaveTextContent(/Feature Flag Evaluated/)
  },
}
