import { useTrackedFlag } from '@flagbridge/react'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { render, screen } from '@testing-library/react'
import { version } from 'react'
import { version as domVersion } from 'react-dom'
import { describe, expect, it } from 'vitest'

describe('the React this project runs on', () => {
  it('is React 19 in the react project and React 18 in the react18 project, everywhere', ({ task }) => {
    const expected = task.file.projectName === 'react18' ? '18.' : '19.'
    expect(version.startsWith(expected)).toBe(true)
    expect(domVersion).toBe(version)
    function Flag() {
      return <span data-testid="flag">{String(useTrackedFlag('beta', false).value)}</span>
    }
    // One React instance for FlagBridge, the test renderer and the app: hooks work.
    render(
      <TestFlagBridgeProvider flags={{ beta: true }}>
        <Flag />
      </TestFlagBridgeProvider>,
    )
    expect(screen.getByTestId('flag').textContent).toBe('true')
  })
})
