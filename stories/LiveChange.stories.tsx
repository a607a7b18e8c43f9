import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { FlagCard } from './support/FlagCard'
import { DemoLayout } from './support/ReceivedPanel'

/** A small "vendor dashboard": changes flags where the vendor keeps them. */
function VendorDashboard({ demo }: { demo: Demo }) {
  const [promo, setPromo] = useState(false)
  const [theme, setTheme] = useState('light')
  return (
    <fieldset style={{ marginBottom: 12 }}>
      <legend>Vendor dashboard</legend>
      <label style={{ display: 'block' }}>
        <input
          type="checkbox"
          checked={promo}
          onChange={(event) => {
            setPromo(event.target.checked)
            void demo.setFlag('configcat', 'promo-banner', {
              value: event.target.checked,
              variationId: event.target.checked ? 'cc-promo-on' : 'cc-promo-off',
            })
          }}
        />{' '}
        ConfigCat <code>promo-banner</code>
      </label>
      <label style={{ display: 'block' }}>
        LaunchDarkly <code>theme</code>{' '}
        <select
          value={theme}
          onChange={(event) => {
            setTheme(event.target.value)
            void demo.setFlag('launchdarkly', 'theme', {
              value: event.target.value,
              variationId: event.target.value === 'dark' ? '1' : '0',
            })
          }}
        >
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select>
      </label>
    </fieldset>
  )
}

/**
 * Flip a flag on the vendor's dashboard: ConfigCat delivers it on its next poll (1 s
 * here), LaunchDarkly over its stream. Only the components that read the changed flag
 * re-render — watch the render counters — unlike configcat-react's `useFeatureFlag` and
 * LaunchDarkly's `useFlags`, which re-render every consumer. A static build has no vendor
 * to change, so it uses `@flagbridge/react/testing`'s static vendors instead.
 */
const meta: Meta = {
  title: 'FlagBridge/Live change',
  loaders: [
    demoLoader({
      offline: 'static',
      initialUserId: 'ada',
      flags: {
        configcat: {
          'promo-banner': { value: false, variationId: 'cc-promo-off' },
          'search-v2': { value: true, variationId: 'cc-search-on' },
        },
        launchdarkly: { theme: { value: 'light', variationId: '0' } },
      },
    }),
  ],
  render: (_args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <VendorDashboard demo={demo} />
        <DemoProvider demo={demo} user={{ id: 'ada' }}>
          <FlagCard flagKey="promo-banner" defaultValue={false} label="Promo banner" />
          <FlagCard flagKey="theme" defaultValue="light" label="Theme" />
          <FlagCard flagKey="search-v2" defaultValue={false} label="Search" />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

export const OnlyReadersRerender: StoryObj = {
  name: 'Only readers re-render',
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const promo = within(await canvas.findByRole('article', { name: 'Promo banner' }))
    const theme = within(canvas.getByRole('article', { name: 'Theme' }))
    const search = within(canvas.getByRole('article', { name: 'Search' }))
    const renders = (card: typeof promo) => Number(card.getByTestId('renders').textContent)
    await waitFor(() => expect(promo.getByTestId('state')).toHaveTextContent('served'))
    await waitFor(() => expect(theme.getByTestId('state')).toHaveTextContent('served'))
    await waitFor(() => expect(search.getByTestId('state')).toHaveTextContent('served'))
    // Let any first-load settling pass before counting.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const before = { promo: renders(promo), theme: renders(theme), search: renders(search) }

    await userEvent.click(canvas.getByRole('checkbox'))
    await waitFor(() => expect(promo.getByTestId('value')).toHaveTextContent('true'), { timeout: 5000 })
    await expect(promo.getByTestId('variation')).toHaveTextContent('cc-promo-on')
    expect(renders(promo)).toBe(before.promo + 1)
    expect(renders(theme)).toBe(before.theme)
    expect(renders(search)).toBe(before.search)

    await userEvent.selectOptions(canvas.getByRole('combobox'), 'dark')
    await waitFor(() => expect(theme.getByTestId('value')).toHaveTextContent('"dark"'), { timeout: 5000 })
    expect(renders(theme)).toBe(before.theme + 1)
    expect(renders(promo)).toBe(before.promo + 1)
    expect(renders(search)).toBe(before.search)
  },
}
