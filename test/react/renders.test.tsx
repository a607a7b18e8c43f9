import type { StaticVendor } from '@flagbridge/core'
import { useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, render, screen } from '@testing-library/react'
import { memo } from 'react'
import { describe, expect, it } from 'vitest'

const FLAGS = 50
const COMPONENTS = 1_000

describe('re-renders', () => {
  it('one flag of 50 changes under 1,000 components: only its 20 readers re-render', () => {
    const renders = new Array<number>(COMPONENTS).fill(0)
    const Reader = memo(function Reader({ index }: { index: number }) {
      const { value } = useTrackedFlag(`flag-${index % FLAGS}`, false)
      renders[index]!++
      return <i data-testid={index === 7 ? 'reader-7' : undefined}>{String(value)}</i>
    })
    const flags = Object.fromEntries(
      Array.from({ length: FLAGS }, (_, i) => [`flag-${i}`, { value: false, variationId: `off-${i}` }]),
    )
    let vendors: Partial<Record<string, StaticVendor>> = {}
    render(
      <TestFlagBridgeProvider flags={{ configcat: flags }} onVendors={(created) => (vendors = created)}>
        {Array.from({ length: COMPONENTS }, (_, index) => (
          <Reader key={index} index={index} />
        ))}
      </TestFlagBridgeProvider>,
    )
    expect(renders.every((count) => count === 1)).toBe(true)

    act(() => vendors.configcat!.setFlag('flag-7', { value: true, variationId: 'on-7' }))

    const rerendered = renders.flatMap((count, index) => (count > 1 ? [index] : []))
    expect(rerendered).toHaveLength(COMPONENTS / FLAGS)
    expect(rerendered.every((index) => index % FLAGS === 7)).toBe(true)
    expect(renders.filter((count) => count === 2)).toHaveLength(COMPONENTS / FLAGS)
    expect(screen.getByTestId('reader-7').textContent).toBe('true')
  })

  it('a provider re-render with an equal inline user creates no identify and no exposure', () => {
    const recorder = createEventRecorder()
    let renders = 0
    function Banner() {
      renders++
      return <span>{String(useTrackedFlag('beta', false).value)}</span>
    }
    const MemoBanner = memo(Banner)
    const view = (name: string) => (
      <TestFlagBridgeProvider flags={{ beta: true }} recorder={recorder} user={{ id: 'u1', name }}>
        <MemoBanner />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view('Ada'))
    rerender(view('Ada'))
    rerender(view('Ada'))
    expect(recorder.events.map((event) => event.type)).toEqual(['identify', 'track'])
    expect(renders).toBe(1)

    rerender(view('Ada Lovelace'))
    // Same id, new traits: identify again (no reset), the exposure stays deduplicated.
    expect(recorder.events.map((event) => event.type)).toEqual(['identify', 'track', 'identify'])
  })
})
