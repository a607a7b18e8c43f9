import { useTrackedFlag } from '@flagbridge/react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { DemoProvider } from './support/DemoProvider'
import { type Demo, demoLoader } from './support/demo'
import { ExposureStatus } from './support/ExposureStatus'
import { DemoLayout } from './support/ReceivedPanel'

/** An account menu whose new item is behind a flag: the flag counts as seen when the menu opens. */
function AccountMenu() {
  const [open, setOpen] = useState(false)
  const { value: newItem, expose } = useTrackedFlag('menu-new-item', false, { expose: 'manual' })
  return (
    <nav aria-label="Account">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open)
          if (!open) expose()
        }}
      >
        Account
      </button>
      {open ? (
        <ul aria-label="Account menu">
          <li>Profile</li>
          <li>{newItem ? 'Billing (new)' : 'Billing'}</li>
        </ul>
      ) : null}
    </nav>
  )
}

/**
 * `useTrackedFlag(key, default, { expose: 'manual' })` returns `expose()`: the exposure is sent
 * when you call it — here, when the menu opens — not when the component renders. The flag is read
 * (and shown in the overlay) all along; a visitor who never opens the menu is never counted.
 * Calling `expose()` again sends nothing more.
 */
const meta: Meta = {
  title: 'Exposure/Open a menu to expose',
  loaders: [
    demoLoader({
      initialUserId: 'ada',
      flags: { configcat: { 'menu-new-item': { value: true, variationId: 'cc-menu-on' } } },
    }),
  ],
  render: (_args, { loaded }) => {
    const demo = loaded.demo as Demo
    return (
      <DemoLayout demo={demo}>
        <DemoProvider demo={demo} user={{ id: 'ada', name: 'Ada' }}>
          <AccountMenu />
          <ExposureStatus />
        </DemoProvider>
      </DemoLayout>
    )
  },
}

export default meta

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const OpenMenuToExpose: StoryObj = {
  name: 'Sent when the menu opens',
  play: async ({ canvasElement, loaded }) => {
    const demo = loaded.demo as Demo
    const canvas = within(canvasElement)
    const menuButton = canvas.getByRole('button', { name: 'Account' })
    const waiting = () =>
      within(canvas.getByRole('list', { name: 'Waiting to be seen' })).queryAllByRole('listitem')

    // Closed: the flag is served and waits for expose(); nothing is sent.
    await waitFor(
      () =>
        expect(waiting().map((item) => item.textContent)).toEqual(['menu-new-item: waiting for expose()']),
      { timeout: 5000 },
    )
    await settle(800)
    expect(demo.received.segmentTracks()).toEqual([])
    expect(demo.received.heapTracks()).toEqual([])

    await userEvent.click(menuButton)
    await expect(canvas.getByRole('list', { name: 'Account menu' })).toHaveTextContent('Billing (new)')
    await waitFor(() => expect(demo.received.segmentTracks()).toHaveLength(1), { timeout: 5000 })
    await expect(waiting()).toEqual([])

    // Closed and opened again: still one exposure.
    await userEvent.click(menuButton)
    await userEvent.click(menuButton)
    await expect(canvas.getByRole('list', { name: 'Account menu' })).toBeVisible()
    await settle(800)
    expect(demo.received.segmentTracks().map((event) => event.properties)).toEqual([
      {
        feature_flag_key: 'menu-new-item',
        value: true,
        variation_id: 'cc-menu-on',
        flag_provider: 'configcat',
        user: { name: 'Ada' },
      },
    ])
    expect(demo.received.heapTracks()).toEqual([
      [
        'Feature Flag Evaluated',
        {
          feature_flag_key: 'menu-new-item',
          value: true,
          variation_id: 'cc-menu-on',
          flag_provider: 'configcat',
        },
      ],
    ])
  },
}
