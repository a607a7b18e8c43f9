import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { ExposureStatus } from './support/ExposureStatus'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

/**
 * With `tracking={{ exposures: 'experiments' }}` only flags the vendor served *as part of an
 * experiment* are sent: LaunchDarkly's `reason.inExperiment`, a ConfigCat percentage option.
 * Here LaunchDarkly runs an experiment on `checkout-experiment`; `nav-layout` (LaunchDarkly)
 * and `banner-text` (ConfigCat) are plain flags. All three are read and shown; only the
 * experiment reaches Segment and Heap, the others are logged as "not an experiment".
 * `exposureEvents` sends it as Segment's A/B-testing spec event, Experiment Viewed, beside
 * Feature Flag Evaluated.
 */
const meta: Meta = {
  title: 'Exposure/Experiments only',
  loaders: [
    demoLoader({
      initialUserId: 'ada',
      flags: {
        launchdarkly: {
          'checkout-experiment': { value: 'b', variationId: '1', experiment: true },
          'nav-layout': { value: 'sidebar', variationId: '0' },
        },
        configcat: { 'banner-text': { value: 'Hello', variationId: 'cc-banner-hello' } },
      },
    }),
  ],
  render: (_args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <DemoProvider
          demo={demo}
          user={{ id: 'ada', name: 'Ada' }}
          tracking={{
            exposures: 'experiments',
            exposureEvents: ['Experiment Viewed', 'Feature Flag Evaluated'],
          }}
        >
          <FlagCard flagKey="checkout-experiment" defaultValue="a" label="Checkout (experiment)" />
          <FlagCard flagKey="nav-layout" defaultValue="topbar" label="Navigation" />
          <FlagCard flagKey="banner-text" defaultValue="" label="Banner" />
          <ExposureStatus />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const ExperimentsOnly: StoryObj = {
  name: 'Only the experiment is sent',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    for (const label of ['Checkout (experiment)', 'Navigation', 'Banner']) {
      const card = within(await canvas.findByRole('article', { name: label }))
      await waitFor(() => expect(card.getByTestId('state')).toHaveTextContent('served'), { timeout: 5000 })
    }
    await waitFor(() => expect(demo.received.segmentTracks('Experiment Viewed')).toHaveLength(1), {
      timeout: 5000,
    })
    await settle(800)

    // Segment's API may receive the two calls in either order; Heap gets them in the order sent.
    const segment = [
      ...demo.received.segmentTracks('Experiment Viewed'),
      ...demo.received.segmentTracks('Feature Flag Evaluated'),
    ].map((event) => [event.event, event.properties])
    expect(segment).toEqual([
      [
        'Experiment Viewed',
        {
          experiment_id: 'checkout-experiment',
          experiment_name: 'checkout-experiment',
          variation_id: '1',
          variation_name: 'b',
        },
      ],
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'checkout-experiment',
          value: 'b',
          variation_id: '1',
          flag_provider: 'launchdarkly',
          user: { name: 'Ada' },
        },
      ],
    ])
    expect(demo.received.heapTracks()).toEqual([
      [
        'Experiment Viewed',
        {
          experiment_id: 'checkout-experiment',
          experiment_name: 'checkout-experiment',
          variation_id: '1',
          variation_name: 'b',
        },
      ],
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'checkout-experiment',
          value: 'b',
          variation_id: '1',
          flag_provider: 'launchdarkly',
        },
      ],
    ])

    // FlagBridge's own log, per destination: the experiment sent as both events; each plain flag
    // logged once, "not an experiment" (under the first of `exposureEvents`), and not sent.
    const exposures = within(canvas.getByRole('list', { name: 'Exposures' }))
    expect(
      exposures
        .queryAllByRole('listitem')
        .map((item) => item.textContent)
        .sort(),
    ).toEqual([
      'heap · Experiment Viewed · banner-text: not-an-experiment',
      'heap · Experiment Viewed · checkout-experiment: sent',
      'heap · Experiment Viewed · nav-layout: not-an-experiment',
      'heap · Feature Flag Evaluated · checkout-experiment: sent',
      'segment · Experiment Viewed · banner-text: not-an-experiment',
      'segment · Experiment Viewed · checkout-experiment: sent',
      'segment · Experiment Viewed · nav-layout: not-an-experiment',
      'segment · Feature Flag Evaluated · checkout-experiment: sent',
    ])
  },
}
