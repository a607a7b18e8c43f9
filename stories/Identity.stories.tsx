import type { FlagBridgeUser } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

const users: Record<string, FlagBridgeUser> = {
  alice: {
    id: 'alice',
    name: 'Alice',
    email: 'alice@example.com',
    country: 'NL',
    privateAttributes: ['email'],
  },
  bob: { id: 'bob', name: 'Bob', email: 'bob@example.com', country: 'US', privateAttributes: ['email'] },
}

function IdentityDemo({ demo, initialUser }: { demo: Demo; initialUser: string }) {
  const [userId, setUserId] = useState<string>(initialUser)
  const user = userId ? users[userId] : undefined
  return (
    <DemoLayout demo={demo}>
      <p>
        Signed in as <strong data-testid="who">{user ? user.name : 'nobody (anonymous)'}</strong>
      </p>
      <p style={{ display: 'flex', gap: 8 }}>
        <button type="button" onClick={() => setUserId('alice')}>
          Sign in as Alice
        </button>
        <button type="button" onClick={() => setUserId('bob')}>
          Sign in as Bob
        </button>
        <button type="button" onClick={() => setUserId('')}>
          Sign out
        </button>
      </p>
      {/* The app writes the user inline; the provider compares it by value. */}
      <DemoProvider demo={demo} user={user ? { ...user } : undefined}>
        <FlagCard flagKey="welcome-banner" defaultValue="" label="ConfigCat welcome-banner" />
        <FlagCard flagKey="plan-tier" defaultValue="none" label="LaunchDarkly plan-tier" />
      </DemoProvider>
    </DemoLayout>
  )
}

/**
 * One `user` prop identifies the user to all four systems once per change: ConfigCat's
 * user, LaunchDarkly `identify`, Segment `identify`, Heap `identify` +
 * `addUserProperties`; signing out resets Segment and Heap and serves anonymous values.
 * Both vendors target Alice and Bob with their own values, so every switch re-evaluates.
 */
const meta: Meta<{ initialUser: string }> = {
  title: 'FlagBridge/Identity',
  args: { initialUser: '' },
  argTypes: { initialUser: { control: 'inline-radio', options: ['', 'alice', 'bob'] } },
  loaders: [
    demoLoader({
      // Static builds: LaunchDarkly's identify needs a server, so the testing helpers stand in.
      offline: 'static',
      flags: {
        configcat: {
          'welcome-banner': {
            value: 'Hello, visitor',
            variationId: 'cc-anon',
            byUser: {
              alice: { value: 'Welcome back, Alice', variationId: 'cc-alice' },
              bob: { value: 'Hi Bob', variationId: 'cc-bob' },
            },
          },
        },
        launchdarkly: {
          'plan-tier': {
            value: 'free',
            variationId: '0',
            byUser: { alice: { value: 'pro', variationId: '1' }, bob: { value: 'team', variationId: '2' } },
          },
        },
      },
    }),
  ],
  render: (args, { loaded }) => <IdentityDemo demo={loaded.demo as Demo} initialUser={args.initialUser} />,
}

export default meta

export const SwitchUserAndSignOut: StoryObj<{ initialUser: string }> = {
  name: 'Switch user, sign out',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    const banner = within(await canvas.findByRole('article', { name: 'ConfigCat welcome-banner' }))
    const plan = within(canvas.getByRole('article', { name: 'LaunchDarkly plan-tier' }))
    const segmentIdentifies = () =>
      demo.received
        .entries()
        .filter((entry) => entry.destination === 'segment' && entry.name === 'identify')
        .map((entry) => (entry.payload as { userId: string }).userId)
    const heapCalls = (name: string) =>
      demo.received.entries().filter((entry) => entry.destination === 'heap' && entry.name === name)

    await waitFor(() => expect(banner.getByTestId('value')).toHaveTextContent('"Hello, visitor"'))
    await waitFor(() => expect(plan.getByTestId('value')).toHaveTextContent('"free"'))
    // The anonymous exposures have arrived before anyone signs in.
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(2))
    expect(segmentIdentifies()).toEqual([])

    await userEvent.click(canvas.getByRole('button', { name: 'Sign in as Alice' }))
    await waitFor(() => expect(banner.getByTestId('value')).toHaveTextContent('"Welcome back, Alice"'))
    await waitFor(() => expect(plan.getByTestId('value')).toHaveTextContent('"pro"'), { timeout: 4000 })
    await waitFor(() => expect(segmentIdentifies()).toEqual(['alice']))
    expect(heapCalls('identify').map((entry) => entry.payload)).toEqual([['alice']])
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(4))
    const aliceTracks = demo.received.segmentTracks().slice(2)
    expect(aliceTracks.map((event) => event.properties?.variation_id).sort()).toEqual(['1', 'cc-alice'])
    if (demo.runtime !== 'static') for (const event of aliceTracks) expect(event.userId).toBe('alice')

    await userEvent.click(canvas.getByRole('button', { name: 'Sign in as Bob' }))
    await waitFor(() => expect(banner.getByTestId('value')).toHaveTextContent('"Hi Bob"'))
    await waitFor(() => expect(plan.getByTestId('value')).toHaveTextContent('"team"'), { timeout: 4000 })
    await waitFor(() => expect(segmentIdentifies()).toEqual(['alice', 'bob']))
    expect(JSON.stringify(demo.received.entries())).not.toContain('@example.com')

    // Switching users may reset Heap's identity in between; signing out resets it once more.
    const resetsBefore = heapCalls('resetIdentity').length
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out' }))
    await waitFor(() => expect(banner.getByTestId('value')).toHaveTextContent('"Hello, visitor"'))
    await waitFor(() => expect(plan.getByTestId('value')).toHaveTextContent('"free"'), { timeout: 4000 })
    await waitFor(() => expect(heapCalls('resetIdentity')).toHaveLength(resetsBefore + 1))
    // One identify per user switch, none for sign-out.
    expect(segmentIdentifies()).toEqual(['alice', 'bob'])
  },
}
