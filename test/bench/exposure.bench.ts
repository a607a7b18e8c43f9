import { createExposureTracker, type Exposure } from '@flagbridge/core'
import { bench, describe } from 'vitest'

const sink = {
  name: 'sink',
  state: () => ({ status: 'ready' as const }),
  subscribe: () => () => {},
  describe: () => ({ name: 'track', payload: undefined }),
  send: () => {},
}
const user = { id: 'user-1' }
const exposures: Exposure[] = Array.from({ length: 50 }, (_, index) => ({
  key: `flag-${index}`,
  value: index % 2 === 0,
  variationId: `var-${index}`,
  provider: 'configcat',
  user,
  overridden: false,
}))

describe('exposure hot path', () => {
  const tracker = createExposureTracker({ destinations: [sink, { ...sink, name: 'sink-2' }], dedupe: 'page' })
  tracker.identify(user)
  for (const exposure of exposures) tracker.record(exposure)
  let index = 0
  bench('record() of an already-sent exposure (deduplicated)', () => {
    tracker.record(exposures[index++ % 50]!)
  })
})
