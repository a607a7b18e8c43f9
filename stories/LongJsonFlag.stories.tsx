import { useTrackedFlag } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { DemoLayout } from './support/ReceivedPanel'

const pricing = {
  currency: 'EUR',
  plans: [
    { name: 'Starter', price: 9, features: ['1 project', 'Email support'] },
    { name: 'Team', price: 49, features: ['10 projects', 'SSO', 'Priority support'] },
    { name: 'Enterprise', price: 199, features: ['Unlimited projects', 'Audit log', 'Dedicated manager'] },
  ],
}
const steps = {
  steps: [
    'Create a project',
    'Invite your team',
    'Connect ConfigCat',
    'Connect LaunchDarkly',
    'Send your first exposure to Segment and Heap',
  ],
}

function PricingTable() {
  // ConfigCat has no JSON type: the JSON travels as text, parsed here.
  const { value } = useTrackedFlag('pricing-table', '{"currency":"EUR","plans":[]}')
  const table = JSON.parse(value) as typeof pricing
  return (
    <table aria-label="Pricing" style={{ fontSize: 13, marginBottom: 12 }}>
      <tbody>
        {table.plans.map((plan) => (
          <tr key={plan.name}>
            <th scope="row">{plan.name}</th>
            <td>
              {table.currency} {plan.price}
            </td>
            <td>{plan.features.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Onboarding() {
  const { value } = useTrackedFlag('onboarding-steps', { steps: [] as string[] } as never)
  return (
    <ol aria-label="Onboarding">
      {((value as unknown as typeof steps).steps ?? []).map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  )
}

/**
 * A flag whose value is a long JSON document is shown in full, but analytics get its
 * variation id instead (`tracking.maxValueLength`, default 100 characters): Segment's
 * `value` and Heap's event property stay short. ConfigCat serves JSON as text;
 * LaunchDarkly as a JSON value, sent as its variation index.
 */
const meta: Meta<{ maxValueLength: number }> = {
  title: 'Destinations/Long JSON flag',
  args: { maxValueLength: 100 },
  argTypes: { maxValueLength: { control: { type: 'number', min: 10, max: 2000 } } },
  loaders: [
    demoLoader({
      initialUserId: 'ravi',
      flags: {
        configcat: { 'pricing-table': { value: JSON.stringify(pricing), variationId: 'cc-pricing-2024q3' } },
        launchdarkly: { 'onboarding-steps': { value: steps, variationId: '2' } },
      },
    }),
  ],
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <DemoProvider
          key={args.maxValueLength}
          demo={demo}
          user={{ id: 'ravi' }}
          tracking={{ maxValueLength: args.maxValueLength }}
        >
          <PricingTable />
          <Onboarding />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

export const SentAsVariationId: StoryObj<{ maxValueLength: number }> = {
  name: 'Sent as its variation id',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    await expect(await canvas.findByRole('rowheader', { name: 'Enterprise' })).toBeVisible()
    await waitFor(() =>
      expect(canvas.getAllByRole('listitem').map((item) => item.textContent)).toContain(
        'Connect LaunchDarkly',
      ),
    )

    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(2))
    const byKey = Object.fromEntries(
      demo.received.segmentTracks().map((event) => [event.properties?.feature_flag_key, event.properties]),
    )
    expect(byKey['pricing-table']).toMatchObject({
      value: 'cc-pricing-2024q3',
      variation_id: 'cc-pricing-2024q3',
    })
    expect(byKey['onboarding-steps']).toMatchObject({
      value: '2',
      variation_id: '2',
      flag_provider: 'launchdarkly',
    })
    expect(JSON.stringify(demo.received.segmentTracks())).not.toContain('Dedicated manager')

    await waitFor(() => expect(demo.received.heapTracks()).toHaveLength(2))
    expect(demo.heap.eventProperties).toEqual({
      'pricing-table': 'cc-pricing-2024q3',
      'onboarding-steps': '2',
    })
  },
}
