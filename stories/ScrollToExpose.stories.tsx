import { useTrackedFlag } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ReactNode } from 'react'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { ExposureStatus } from './support/ExposureStatus'
import { DemoLayout } from './support/ReceivedPanel'

interface VisibleArgs {
  threshold: number
  minVisibleMs: number
}

/** A promo banner far down the page: its flag counts as seen once the banner has been in view. */
function PromoBanner({ threshold, minVisibleMs }: VisibleArgs) {
  const { value, loading, ref } = useTrackedFlag('promo-banner', false, {
    expose: 'visible',
    threshold,
    minVisibleMs,
  })
  return (
    <section
      ref={ref}
      aria-label="Promo banner"
      style={{ padding: 24, background: '#fef3c7', borderRadius: 6 }}
    >
      {loading ? 'Loading…' : value ? 'The new promo' : 'The classic promo'}
    </section>
  )
}

/** A short scrolling "page": whatever sits below its fold is out of view until scrolled to. */
function Page({ children }: { children: ReactNode }) {
  return (
    <section aria-label="Page" style={{ height: 240, overflowY: 'auto', border: '1px solid #ccc' }}>
      <div style={{ height: 600, padding: 12, color: '#555' }}>
        The top of the page. The promo banner further down is already rendered with its value, but nobody has
        seen it yet. Scroll down ↓
      </div>
      {children}
    </section>
  )
}

/**
 * `useTrackedFlag(key, default, { expose: 'visible' })` returns a `ref`: the exposure is sent
 * once the element it is attached to has been in view (by default half of it, for a second),
 * not when the component renders. A flag below the fold is not an exposure until the visitor
 * scrolls to it; scrolling past quicker than `minVisibleMs` doesn't count. `<TrackedFlag
 * expose="visible">` does the same without a ref.
 */
const meta: Meta<VisibleArgs> = {
  title: 'Exposure/Scroll to expose',
  args: { threshold: 0.5, minVisibleMs: 1000 },
  argTypes: {
    threshold: {
      control: { type: 'range', min: 0, max: 1, step: 0.1 },
      description: 'Share of the banner in view',
    },
    minVisibleMs: {
      control: { type: 'number', min: 0, step: 100 },
      description: 'How long it must stay in view',
    },
  },
  loaders: [
    demoLoader({
      initialUserId: 'ada',
      flags: { configcat: { 'promo-banner': { value: true, variationId: 'cc-promo-on' } } },
    }),
  ],
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <DemoProvider demo={demo} user={{ id: 'ada', name: 'Ada' }}>
          <Page>
            <PromoBanner threshold={args.threshold} minVisibleMs={args.minVisibleMs} />
          </Page>
          <ExposureStatus />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const ScrollToExpose: StoryObj<VisibleArgs> = {
  name: 'Sent once scrolled into view',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    const page = canvas.getByRole('region', { name: 'Page' })
    const promo = await canvas.findByRole('region', { name: 'Promo banner' })
    const waiting = () =>
      within(canvas.getByRole('list', { name: 'Waiting to be seen' })).queryAllByRole('listitem')
    await waitFor(() => expect(promo).toHaveTextContent('The new promo'), { timeout: 5000 })

    // Rendered with its served value, below the fold: waiting, and still nothing sent after
    // longer than it would take to count if it were in view.
    await waitFor(() =>
      expect(waiting().map((item) => item.textContent)).toEqual(['promo-banner: not yet visible']),
    )
    await settle(1500)
    expect(demo.received.segmentTracks()).toEqual([])
    expect(demo.received.heapTracks()).toEqual([])

    promo.scrollIntoView({ block: 'center' })
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(1), { timeout: 5000 })
    await waitFor(() => expect(waiting()).toEqual([]))
    // Scrolled away and back again: already seen, nothing new.
    page.scrollTop = 0
    await settle(300)
    promo.scrollIntoView({ block: 'center' })
    await settle(1500)
    expect(demo.received.segmentTracks().map((event) => event.properties)).toEqual([
      {
        feature_flag_key: 'promo-banner',
        value: true,
        variation_id: 'cc-promo-on',
        flag_provider: 'configcat',
        user: { name: 'Ada' },
      },
    ])
    expect(demo.received.heapTracks()).toEqual([
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'promo-banner',
          value: true,
          variation_id: 'cc-promo-on',
          flag_provider: 'configcat',
        },
      ],
    ])
  },
}
