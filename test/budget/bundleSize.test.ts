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
const { breakdown } = (await import(new URL('../../scripts/size-breakdown.mjs', import.meta.url).href)) as {
  breakdown(entry: string): Promise<{
    gzip: number
    features: Array<{ feature: string; gzip: number; minified: number }>
    evaluationOnly: { gzip: number }
  }>
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

// DESIGN.md's target for the main entry's critical path is 6 kB (issue 16); today the whole entry
// measures 16.3 kB and core 13.9 kB.
// Until it is met or restated these ceilings stop the sizes from growing unnoticed: a change that
// must add bytes raises them in the same commit and says why; one that saves bytes lowers them.
const DESIGN_TARGET = 6_000
// Raised from 11,760 / 10,150 by the correctness work of issues 12, 13 and 19, which came first:
// identify serialized per LaunchDarkly client with retries and context checks, one client per user,
// LaunchDarkly read through its inspectors, destinations reconciling persisted identities, Heap
// event properties kept per identity, the ledger stored per identity, routing that remembers what
// each vendor knew, vendor error boundaries, lazy Segment loading under consent, and one boundary
// that checks every option. Issue 16 brings the critical path back down (code splitting, production
// message texts); until then these ceilings stop further growth. +0.09 kB: ConfigCat's timeout
// (loading ends) and its one-report-per-failure, issue 18. +0.2 kB: SDK evaluations made during a
// render are told apart (React's dispatcher, both internals names) and not relayed, issue 13 case 7.
// +1.07 kB / +0.11 kB: exposure modes, issue 17 (the 'visible' IntersectionObserver watch, 'manual'
// expose(), <TrackedFlag>, and the registry of exposures waiting to be seen that the overlay lists).
const CEILING = { '@flagbridge/react': 17_560, '@flagbridge/core': 14_020 } as const

describe('bundle size budgets (min+gzip, React, vendor SDKs and analytics-next external)', () => {
  it('@flagbridge/react main entry, with @flagbridge/core bundled in, does not grow (6 kB target open)', () => {
    const react = byName('@flagbridge/react')
    expect(react.bundlesCore, '@flagbridge/core must be bundled into the measurement').toBe(true)
    expect(react.gzip, over({ ...react, budget: CEILING['@flagbridge/react'] })).toBeLessThanOrEqual(
      CEILING['@flagbridge/react'],
    )
    if (react.gzip > DESIGN_TARGET)
      console.warn(`${react.name}: ${react.gzip} B, DESIGN.md target ${DESIGN_TARGET} B`)
  })

  it('@flagbridge/core does not grow (6 kB target open)', () => {
    const core = byName('@flagbridge/core')
    expect(core.gzip, over({ ...core, budget: CEILING['@flagbridge/core'] })).toBeLessThanOrEqual(
      CEILING['@flagbridge/core'],
    )
    if (core.gzip > DESIGN_TARGET)
      console.warn(`${core.name}: ${core.gzip} B, DESIGN.md target ${DESIGN_TARGET} B`)
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

  it('scripts/size-breakdown.mjs (BENCHMARKS.md’s cost per feature) agrees with the built entry', async () => {
    const react = byName('@flagbridge/react')
    const fromSources = await breakdown('react')
    // Sources bundled by esbuild vs tsup's dist bundled again: the same code, a few bytes apart.
    expect(Math.abs(fromSources.gzip - react.gzip)).toBeLessThan(react.gzip * 0.01)
    for (const row of fromSources.features) {
      expect(row.gzip, row.feature).toBeGreaterThan(0)
      expect(row.minified, row.feature).toBeGreaterThan(row.gzip)
    }
    expect(fromSources.evaluationOnly.gzip).toBeLessThan(fromSources.gzip)
  })
})
