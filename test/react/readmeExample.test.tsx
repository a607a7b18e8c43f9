// The README's testing example, verbatim (test/budget/readme.test.ts keeps the two identical).
import { useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { render, screen } from '@testing-library/react'
import { expect, it } from 'vitest'

function Checkout() {
  const { value: newCheckout } = useTrackedFlag('new-checkout', false)
  return <p>{newCheckout ? 'The new checkout' : 'The classic checkout'}</p>
}

it('shows the new checkout and tracks it once, for the signed-in user', () => {
  const recorder = createEventRecorder()
  render(
    <TestFlagBridgeProvider flags={{ 'new-checkout': true }} user={{ id: 'u1' }} recorder={recorder}>
      <Checkout />
    </TestFlagBridgeProvider>,
  )
  expect(screen.getByText('The new checkout')).toBeTruthy()
  expect(recorder.tracks().map((event) => [event.userId, event.properties.feature_flag_key])).toEqual([
    ['u1', 'new-checkout'],
  ])
})
