import { useFlagBridge } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

const flags = {
  configcat: {
    'new-checkout': { value: true, variationId: 'cc-checkout-on' },
    'max-items': { value: 10, variationId: 'cc-max-10' },
  },
  launchdarkly: { 'nav-layout': { value: 'sidebar', variationId: '1' } },
}

function OverrideButtons() {
  const { setOverride, clearOverride } = useFlagBridge()
  return (
    <p>
      <button type="button" onClick={() => setOverride('new-checkout', false)}>
        Override new-checkout to false
      </button>{' '}
      <button type="button" onClick={() => clearOverride('new-checkout')}>
        Clear override
      </button>
    </p>
  )
}

interface StateArgs {
  flagKey: string
  defaultValue: string | number | boolean
  overrides?: boolean
  source?: 'configcat' | 'launchdarkly'
}

/**
 * Everything `useTrackedFlag(key, defaultValue)` returns — value, loading, source,
 * variation id, reason, error, overridden — in each state a flag can be in. Only served
 * (and explicitly tracked overridden) values are sent to Segment and Heap: loading,
 * default and error states never are.
 */
const meta: Meta<StateArgs> = {
  title: 'Hooks/useTrackedFlag states',
  parameters: {
    docs: {
      description: {
        component:
          'Each story shows one state of `useTrackedFlag`. The card lists what the hook returns; the panel, what Segment and Heap received.',
      },
    },
  },
  argTypes: {
    flagKey: { control: 'text' },
    defaultValue: { control: 'text' },
    source: { control: 'inline-radio', options: [undefined, 'configcat', 'launchdarkly'] },
  },
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <DemoProvider demo={demo} user={{ id: 'grace' }}>
          {args.overrides ? <OverrideButtons /> : null}
          <FlagCard
            flagKey={args.flagKey}
            defaultValue={args.defaultValue}
            options={args.source ? { source: args.source } : undefined}
          />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta
type Story = StoryObj<StateArgs>

const card = (canvasElement: HTMLElement) => within(canvasElement).findByRole('article')

export const Loading: Story = {
  args: { flagKey: 'nav-layout', defaultValue: 'topbar' },
  loaders: [
    demoLoader({ flags, faults: { launchdarkly: 'slow' }, offline: 'static', initialUserId: 'grace' }),
  ],
  parameters: {
    docs: {
      description: { story: 'LaunchDarkly has not answered yet: the default is shown, `loading` is true.' },
    },
  },
  play: async ({ canvasElement, loaded }) => {
    const flag = within(await card(canvasElement))
    await expect(flag.getByTestId('state')).toHaveTextContent('loading')
    await expect(flag.getByTestId('value')).toHaveTextContent('"topbar"')
    // Still loading a moment later, and nothing was tracked for a value the vendor never served.
    await new Promise((resolve) => setTimeout(resolve, 700))
    await expect(flag.getByTestId('state')).toHaveTextContent('loading')
    expect((loaded.demo as Demo).received.segmentTracks()).toEqual([])
  },
}

export const Served: Story = {
  args: { flagKey: 'new-checkout', defaultValue: false },
  loaders: [demoLoader({ flags, initialUserId: 'grace' })],
  play: async ({ canvasElement, loaded }) => {
    const flag = within(await card(canvasElement))
    await waitFor(() => expect(flag.getByTestId('state')).toHaveTextContent('served'))
    await expect(flag.getByTestId('value')).toHaveTextContent('true')
    await expect(flag.getByTestId('source')).toHaveTextContent('configcat')
    await expect(flag.getByTestId('variation')).toHaveTextContent('cc-checkout-on')
    const demo = loaded.demo as Demo
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(1))
    expect(demo.received.segmentTracks()[0]?.properties).toMatchObject({
      feature_flag_key: 'new-checkout',
      value: true,
      variation_id: 'cc-checkout-on',
    })
  },
}

export const DefaultForUnknownKey: Story = {
  name: 'Default (unknown key)',
  args: { flagKey: 'no-such-flag', defaultValue: 'fallback' },
  loaders: [demoLoader({ flags, initialUserId: 'grace' })],
  play: async ({ canvasElement, loaded }) => {
    const flag = within(await card(canvasElement))
    await waitFor(() => expect(flag.getByTestId('state')).toHaveTextContent('default'))
    await expect(flag.getByTestId('value')).toHaveTextContent('"fallback"')
    await expect(flag.getByTestId('error')).toHaveTextContent('–')
    const demo = loaded.demo as Demo
    // Identify went out, but no exposure for a value no vendor served.
    await waitFor(() => expect(demo.received.entries().some((entry) => entry.name === 'identify')).toBe(true))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(demo.received.segmentTracks()).toEqual([])
    expect(demo.received.heapTracks()).toEqual([])
  },
}

export const VendorDown: Story = {
  name: 'Error (vendor down)',
  args: { flagKey: 'nav-layout', defaultValue: 'topbar', source: 'launchdarkly' },
  loaders: [
    demoLoader({ flags, faults: { launchdarkly: 'down' }, offline: 'static', initialUserId: 'grace' }),
  ],
  parameters: {
    // The stand-in's LaunchDarkly answers 503, which Chromium logs.
    storyTest: { allowedConsoleErrors: ['503'] },
    docs: {
      description: { story: 'LaunchDarkly answers 503: the default is served and the error says why.' },
    },
  },
  play: async ({ canvasElement, loaded }) => {
    const flag = within(await card(canvasElement))
    await waitFor(() => expect(flag.getByTestId('state')).toHaveTextContent('error'), { timeout: 6000 })
    await expect(flag.getByTestId('value')).toHaveTextContent('"topbar"')
    await expect(flag.getByTestId('error')).toHaveTextContent('VENDOR_ERROR')
    expect((loaded.demo as Demo).received.segmentTracks()).toEqual([])
  },
}

export const Overridden: Story = {
  args: { flagKey: 'new-checkout', defaultValue: false, overrides: true },
  loaders: [demoLoader({ flags, initialUserId: 'grace' })],
  parameters: {
    docs: {
      description: {
        story: 'A local override (devtools, tests) wins over the vendor and is not sent to analytics.',
      },
    },
  },
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement)
    const flag = within(await card(canvasElement))
    const demo = loaded.demo as Demo
    await waitFor(() => expect(flag.getByTestId('state')).toHaveTextContent('served'))
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(1))
    await userEvent.click(canvas.getByRole('button', { name: 'Override new-checkout to false' }))
    await expect(flag.getByTestId('state')).toHaveTextContent('overridden')
    await expect(flag.getByTestId('value')).toHaveTextContent('false')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(demo.received.segmentTracks()).toHaveLength(1)
    await userEvent.click(canvas.getByRole('button', { name: 'Clear override' }))
    await expect(flag.getByTestId('state')).toHaveTextContent('served')
    await expect(flag.getByTestId('value')).toHaveTextContent('true')
  },
}

export const WrongType: Story = {
  name: 'Wrong-type value',
  args: { flagKey: 'max-items', defaultValue: 'ten' },
  loaders: [demoLoader({ flags, initialUserId: 'grace' })],
  parameters: {
    docs: {
      description: {
        story:
          'ConfigCat serves the number 10 to a hook whose default is text: the default is shown with a TYPE_MISMATCH error.',
      },
    },
  },
  play: async ({ canvasElement, loaded }) => {
    const flag = within(await card(canvasElement))
    await waitFor(() => expect(flag.getByTestId('error')).toHaveTextContent('TYPE_MISMATCH'))
    await expect(flag.getByTestId('value')).toHaveTextContent('"ten"')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((loaded.demo as Demo).received.segmentTracks()).toEqual([])
  },
}
