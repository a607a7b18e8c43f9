import type { FlagProvider } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

interface RoutingArgs {
  routingDefault: FlagProvider
  pinCheckoutCopyTo: FlagProvider | 'nobody'
}

/**
 * Which vendor serves a key: `options.source`, else `routing.flags[key]`, else the vendor
 * that knows the key (both: `routing.default`), else `routing.default`. A key once shown stays
 * with its vendor for the page, so a vendor that finishes loading later never takes it over.
 * `checkout-copy` and `shared-copy` exist in both vendors with different values;
 * `configcat-only` only in ConfigCat.
 */
const meta: Meta<RoutingArgs> = {
  title: 'FlagBridge/Routing',
  args: { routingDefault: 'launchdarkly', pinCheckoutCopyTo: 'configcat' },
  argTypes: {
    routingDefault: { control: 'inline-radio', options: ['configcat', 'launchdarkly'] },
    pinCheckoutCopyTo: { control: 'inline-radio', options: ['configcat', 'launchdarkly', 'nobody'] },
  },
  loaders: [
    demoLoader({
      initialUserId: 'lin',
      flags: {
        configcat: {
          'checkout-copy': { value: 'Pay now (ConfigCat)', variationId: 'cc-copy' },
          'shared-copy': { value: 'Shared (ConfigCat)', variationId: 'cc-shared' },
          'configcat-only': { value: 'Only ConfigCat has me', variationId: 'cc-only' },
        },
        launchdarkly: {
          'checkout-copy': { value: 'Pay now (LaunchDarkly)', variationId: '1' },
          'shared-copy': { value: 'Shared (LaunchDarkly)', variationId: '2' },
        },
      },
    }),
  ],
  render: (args, { loaded }) => {
    const demo = loaded.demo as Demo
    const pinned: Record<string, FlagProvider> =
      args.pinCheckoutCopyTo === 'nobody' ? {} : { 'checkout-copy': args.pinCheckoutCopyTo }
    return (
      <DemoLayout demo={demo}>
        <pre style={{ fontSize: 12 }}>
          routing = {JSON.stringify({ default: args.routingDefault, flags: pinned })}
        </pre>
        <DemoProvider
          demo={demo}
          user={{ id: 'lin' }}
          routing={{ default: args.routingDefault, flags: pinned }}
        >
          <FlagCard flagKey="checkout-copy" defaultValue="" label="checkout-copy, routed" />
          <FlagCard
            flagKey="checkout-copy"
            defaultValue=""
            options={{ source: 'launchdarkly' }}
            label="checkout-copy, source launchdarkly"
          />
          <FlagCard flagKey="shared-copy" defaultValue="" label="shared-copy, routed" />
          <FlagCard flagKey="configcat-only" defaultValue="" label="configcat-only, routed" />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

export const Precedence: StoryObj<RoutingArgs> = {
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement)
    const card = (name: string) => within(canvas.getByRole('article', { name }))
    await canvas.findAllByRole('article')
    const expectations: Array<[string, FlagProvider, string]> = [
      // routing.flags pins it to ConfigCat.
      ['checkout-copy, routed', 'configcat', '"Pay now (ConfigCat)"'],
      // An explicit source beats routing.flags.
      ['checkout-copy, source launchdarkly', 'launchdarkly', '"Pay now (LaunchDarkly)"'],
      // Only ConfigCat knows it: ConfigCat, whatever the default.
      ['configcat-only, routed', 'configcat', '"Only ConfigCat has me"'],
    ]
    for (const [name, source, value] of expectations) {
      await waitFor(() => expect(card(name).getByTestId('value')).toHaveTextContent(value))
      await expect(card(name).getByTestId('source')).toHaveTextContent(source)
    }
    // Both know shared-copy and nothing pins it: routing.default (LaunchDarkly) when both are ready,
    // else the vendor that knew it first. Either way it never changes vendor once shown.
    const shared = card('shared-copy, routed')
    await waitFor(() => expect(shared.getByTestId('value')).not.toHaveTextContent('""'))
    const sharedSource = shared.getByTestId('source').textContent as FlagProvider
    const sharedValue = sharedSource === 'launchdarkly' ? 'Shared (LaunchDarkly)' : 'Shared (ConfigCat)'
    await expect(shared.getByTestId('value')).toHaveTextContent(sharedValue)

    // The same key from two vendors is two exposures, each with its provider; shared-copy once.
    const demo = loaded.demo as Demo
    const sent = () =>
      demo.received
        .segmentTracks()
        .map((event) => `${event.properties?.feature_flag_key}@${event.properties?.flag_provider}`)
    const expected = [
      'checkout-copy@configcat',
      'checkout-copy@launchdarkly',
      'configcat-only@configcat',
      `shared-copy@${sharedSource}`,
    ]
    await waitFor(() => expect([...sent()].sort()).toEqual([...expected].sort()))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await expect(shared.getByTestId('source')).toHaveTextContent(sharedSource)
    expect([...sent()].sort()).toEqual([...expected].sort())
  },
}
