import { useTrackedFlag } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useSyncExternalStore } from 'react'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import type { DemoFlag } from './support/vendorDashboard'

const FLAG_COUNT = 60
const flagKey = (index: number) => `experiment-${String(index + 1).padStart(2, '0')}`
const experiments: Record<string, DemoFlag> = Object.fromEntries(
  Array.from({ length: FLAG_COUNT }, (_, index) => [
    flagKey(index),
    {
      value: `variant-${index % 3} · copy for experiment ${index + 1} with a longer label`,
      variationId: String(index % 3),
    },
  ]),
)

function Experiment({ index }: { index: number }) {
  const { value } = useTrackedFlag(flagKey(index), '')
  return (
    <li style={{ fontSize: 11 }}>
      {flagKey(index)}: {value}
    </li>
  )
}

function CookieMeter({ demo, budget }: { demo: Demo; budget: number }) {
  const size = useSyncExternalStore(demo.heap.subscribe, demo.heap.encodedSize)
  const count = useSyncExternalStore(demo.heap.subscribe, () => Object.keys(demo.heap.eventProperties).length)
  const evicted = useSyncExternalStore(
    demo.heap.subscribe,
    () => demo.received.entries().filter((entry) => entry.name === 'removeEventProperty').length,
  )
  return (
    <section aria-label="Heap cookie budget" style={{ marginBottom: 12 }}>
      <meter min={0} max={4096} low={budget} high={budget} value={size} style={{ width: 240 }} />
      <p>
        Heap event properties: <strong data-testid="property-count">{count}</strong> flags,{' '}
        <strong data-testid="encoded-size">{size}</strong> bytes encoded, budget{' '}
        <strong data-testid="budget">{budget}</strong> (Heap’s props cookie holds 4 KB). Evicted so far:{' '}
        <strong data-testid="evicted">{evicted}</strong>.
      </p>
    </section>
  )
}

interface BudgetArgs {
  flags: number
  budget: number
}

/**
 * Every evaluated flag becomes a Heap event property (`heap.addEventProperties`), so
 * later Heap events carry it. Heap keeps them in a 4 KB cookie: FlagBridge keeps their
 * encoded size (`encodeURIComponent(JSON.stringify(props)).length`) under a budget
 * (`tracking.heapEventPropertyBudget`, default 3,000) and evicts the least recently
 * evaluated with `heap.removeEventProperty`.
 */
const meta: Meta<BudgetArgs> = {
  title: 'Destinations/Heap cookie budget',
  args: { flags: 40, budget: 3000 },
  argTypes: {
    flags: { control: { type: 'range', min: 1, max: FLAG_COUNT } },
    budget: { control: { type: 'number', min: 200, max: 4000, step: 100 } },
  },
  loaders: [demoLoader({ initialUserId: 'noor', flags: { launchdarkly: experiments } })],
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <div style={{ fontFamily: 'system-ui, sans-serif' }}>
        <CookieMeter demo={demo} budget={args.budget} />
        {/* The budget is read once by the provider: a new budget is a new provider. */}
        <DemoProvider
          key={args.budget}
          demo={demo}
          user={{ id: 'noor' }}
          tracking={{ heapEventPropertyBudget: args.budget }}
        >
          <ol>
            {Array.from({ length: Math.min(args.flags, FLAG_COUNT) }, (_, index) => (
              <Experiment key={flagKey(index)} index={index} />
            ))}
          </ol>
        </DemoProvider>
      </div>
    )
  },
}

export default meta

export const ManyFlags: StoryObj<BudgetArgs> = {
  name: 'Many flags under the budget',
  play: async ({ canvasElement, loaded, args }) => {
    const demo = loaded.demo as Demo
    const meter = within(await within(canvasElement).findByRole('region', { name: 'Heap cookie budget' }))
    await waitFor(() => expect(demo.received.heapTracks()).toHaveLength(args.flags), { timeout: 6000 })
    const size = Number(meter.getByTestId('encoded-size').textContent)
    expect(size).toBeGreaterThan(0)
    expect(size).toBeLessThanOrEqual(args.budget)
    expect(size).toBe(encodeURIComponent(JSON.stringify(demo.heap.eventProperties)).length)
    // 40 flags of ~90 characters do not fit in 3,000 bytes: the oldest were evicted.
    expect(Number(meter.getByTestId('property-count').textContent)).toBeLessThan(args.flags)
    expect(Number(meter.getByTestId('evicted').textContent)).toBeGreaterThan(0)
    expect(Object.keys(demo.heap.eventProperties)).toContain(flagKey(args.flags - 1))
  },
}
