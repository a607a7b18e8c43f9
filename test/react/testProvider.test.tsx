import type { StaticVendor } from '@flagbridge/core'
import { useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider, type TestFlags } from '@flagbridge/react/testing'
import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

function Show({ flag, source }: { flag: string; source?: 'configcat' | 'launchdarkly' }) {
  const result = useTrackedFlag(flag, 'default', source ? { source } : {})
  return (
    <p data-testid={`${flag}${source ? `-${source}` : ''}`}>
      {result.value}|{result.variationId ?? '-'}|{result.source ?? '-'}
    </p>
  )
}

describe('TestFlagBridgeProvider tracking', () => {
  it('any tracking prop keeps the documented { dedupe: "page" } default: a second test sends again', async () => {
    const sent: string[][] = []
    for (const run of [1, 2]) {
      const recorder = createEventRecorder()
      const { unmount } = render(
        <TestFlagBridgeProvider
          flags={{ banner: 'hello' }}
          user={{ id: 'u1' }}
          tracking={{ consent: true }}
          recorder={recorder}
        >
          <Show flag="banner" />
        </TestFlagBridgeProvider>,
      )
      sent.push(recorder.tracks().map((event) => `${run} ${event.properties.feature_flag_key}`))
      unmount()
      // A session ledger would be written now (once per microtask).
      await Promise.resolve()
    }
    // With the session ledger, the second mount (same tab, same user) would send nothing.
    expect(sent).toEqual([['1 banner'], ['2 banner']])
  })

  it('an explicit dedupe still wins', async () => {
    const sent: number[] = []
    for (const _ of [1, 2]) {
      const recorder = createEventRecorder()
      const { unmount } = render(
        <TestFlagBridgeProvider
          flags={{ banner: 'hello' }}
          user={{ id: 'u1' }}
          tracking={{ dedupe: 'session' }}
          recorder={recorder}
        >
          <Show flag="banner" />
        </TestFlagBridgeProvider>,
      )
      sent.push(recorder.tracks().length)
      unmount()
      // The session ledger is written once per microtask.
      await Promise.resolve()
    }
    expect(sent).toEqual([1, 0])
  })
})

describe('the recorder gets what Segment and Heap would', () => {
  it('tracking.maxValueLength cuts long values to the variation id in the recorded payloads, as the real destinations do', () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider
        flags={{ banner: { value: 'A long banner text', variationId: 'v-long' }, short: 'ok' }}
        user={{ id: 'u1' }}
        recorder={recorder}
        tracking={{ maxValueLength: 5, exposureEvents: ['Feature Flag Evaluated', 'Experiment Viewed'] }}
      >
        <Show flag="banner" />
        <Show flag="short" />
      </TestFlagBridgeProvider>,
    )
    expect(
      recorder
        .tracks()
        .map((event) => [
          event.properties.feature_flag_key,
          event.properties.value,
          event.heapProperties.value,
        ]),
    ).toEqual([
      ['banner', 'v-long', 'v-long'],
      ['short', 'ok', 'ok'],
    ])
    expect(recorder.experimentViews().map((event) => event.properties.variation_name)).toEqual([
      'v-long',
      'ok',
    ])
  })

  it("the recorder's own maxValueLength wins; a refused tracking.maxValueLength is the default 100", () => {
    const long = 'x'.repeat(101)
    const own = createEventRecorder({ maxValueLength: 200 })
    const refused = createEventRecorder()
    for (const [recorder, tracking] of [
      [own, { maxValueLength: 5 }],
      [refused, { maxValueLength: -1 }],
    ] as const) {
      render(
        <TestFlagBridgeProvider
          flags={{ banner: { value: long, variationId: 'v-long' } }}
          recorder={recorder}
          tracking={tracking}
          onError={() => {}}
        >
          <Show flag="banner" />
        </TestFlagBridgeProvider>,
      )
    }
    expect(own.tracks().map((event) => event.properties.value)).toEqual([long])
    expect(refused.tracks().map((event) => event.properties.value)).toEqual(['v-long'])
  })
})

describe('TestFlagBridgeProvider follows its flags prop', () => {
  it('changed, added and removed flags show, and each new value is tracked; equal inline flags change nothing', () => {
    const recorder = createEventRecorder()
    const view = (flags: TestFlags) => (
      <TestFlagBridgeProvider flags={flags} user={{ id: 'u1' }} recorder={recorder}>
        <Show flag="banner" />
        <Show flag="theme" />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view({ banner: 'hello' }))
    expect(screen.getByTestId('banner').textContent).toBe('hello|-|configcat')
    expect(screen.getByTestId('theme').textContent).toBe('default|-|configcat')

    rerender(view({ banner: 'hello' }))
    expect(recorder.tracks()).toHaveLength(1)

    rerender(view({ banner: { value: 'bye', variationId: 'v2' }, theme: 'dark' }))
    expect(screen.getByTestId('banner').textContent).toBe('bye|v2|configcat')
    expect(screen.getByTestId('theme').textContent).toBe('dark|-|configcat')

    rerender(view({ theme: 'dark' }))
    expect(screen.getByTestId('banner').textContent).toBe('default|-|configcat')

    expect(
      recorder.tracks().map((event) => `${event.properties.feature_flag_key}=${event.properties.value}`),
    ).toEqual(['banner=hello', 'banner=bye', 'theme=dark'])
  })

  it('a vendor added or removed by the flags prop appears or goes, and onVendors hears of it', () => {
    const seen: string[][] = []
    const onVendors = (vendors: Partial<Record<'configcat' | 'launchdarkly', StaticVendor>>) =>
      seen.push(Object.keys(vendors).filter((name) => vendors[name as 'configcat'] !== undefined))
    const view = (flags: TestFlags) => (
      <TestFlagBridgeProvider flags={flags} onVendors={onVendors}>
        <Show flag="nav" source="launchdarkly" />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view({ banner: 'hello' }))
    expect(screen.getByTestId('nav-launchdarkly').textContent).toBe('default|-|launchdarkly')

    rerender(
      view({ configcat: { banner: 'hello' }, launchdarkly: { nav: { value: 'b', variationId: '1' } } }),
    )
    expect(screen.getByTestId('nav-launchdarkly').textContent).toBe('b|1|launchdarkly')

    rerender(view({ banner: 'hello' }))
    expect(screen.getByTestId('nav-launchdarkly').textContent).toBe('default|-|launchdarkly')
    expect(seen).toEqual([['configcat'], ['configcat', 'launchdarkly'], ['configcat']])
  })

  it('values set live through onVendors stay until the prop changes that flag', () => {
    let vendors: Partial<Record<'configcat' | 'launchdarkly', StaticVendor>> = {}
    const view = (flags: TestFlags) => (
      <TestFlagBridgeProvider flags={flags} onVendors={(given) => (vendors = given)}>
        <Show flag="banner" />
        <Show flag="theme" />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view({ banner: 'hello', theme: 'light' }))
    act(() => vendors.configcat!.setFlag('theme', 'dark'))
    rerender(view({ banner: 'bye', theme: 'light' }))
    expect(screen.getByTestId('banner').textContent).toBe('bye|-|configcat')
    expect(screen.getByTestId('theme').textContent).toBe('dark|-|configcat')
  })
})
