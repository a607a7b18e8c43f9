import { describe, expect, it } from 'vitest'

// scripts/size.mjs is the one place sizes are measured (also `node scripts/size.mjs` for the table).
// Imported through a URL so the type checker, which doesn't read .mjs, isn't asked to.
const sizeScript = new URL('../../scripts/size.mjs', import.meta.url).href

interface Measured {
  name: string
  gzip: number
  minified: number
  budget?: number
  group: 'flagbridge' | 'vendor' | 'sdk'
  bundlesCore: boolean
}

const { measureSizes, formatTable } = (await import(sizeScript)) as {
  measureSizes(): Promise<Measured[]>
  formatTable(results: Measured[]): string
}

// The packages are built by `pnpm build` before Vitest runs in `pnpm test`; a missing dist is
// reported by name ("… does not exist: build the packages first (pnpm build) …").
const results = await measureSizes()
const byName = (name: string) => {
  const result = results.find((entry) => entry.name === name)
  if (!result) throw new Error(`scripts/size.mjs measured no entry named ${name}`)
  return result
}
const over = (result: Measured) =>
  `${result.name} is ${result.gzip} B min+gzip, over its ${result.budget} B budget:\n${formatTable(results)}`

describe('bundle size budgets (min+gzip, React, vendor SDKs and analytics-next external)', () => {
  it('@flagbridge/react main entry, with @flagbridge/core bundled in, stays within 6 kB', () => {
    const react = byName('@flagbridge/react')
    expect(react.bundlesCore, '@flagbridge/core must be bundled into the measurement').toBe(true)
    expect(react.gzip, over(react)).toBeLessThanOrEqual(6_000)
  })

  it('@flagbridge/core stays within 6 kB', () => {
    const core = byName('@flagbridge/core')
    expect(core.gzip, over(core)).toBeLessThanOrEqual(6_000)
  })

  it('@flagbridge/react/devtools stays within 15 kB', () => {
    const devtools = byName('@flagbridge/react/devtools')
    expect(devtools.gzip, over(devtools)).toBeLessThanOrEqual(15_000)
  })

  it('measures the vendors’ own React wrappers the same way, for comparison', () => {
    // Sanity bounds, not budgets: a broken measurement (everything external, or a peer inlined) shows here.
    for (const name of ['configcat-react', 'launchdarkly-react-client-sdk']) {
      const vendor = byName(name)
      expect(vendor.gzip).toBeGreaterThan(1_000)
      expect(vendor.gzip).toBeLessThan(15_000)
    }
  })
})
