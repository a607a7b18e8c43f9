import type { FlagBridgeError, StaticVendor } from '@flagbridge/core'
import { TrackedFlag, useFlagBridge, useTrackedFlag } from '@flagbridge/react'
import { createEventRecorder, TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { installIntersectionObserver } from './intersectionObserverStandIn'

// When an exposure is sent: expose 'render' (after commit), 'visible' (its element in view long
// enough) and 'manual' (expose()), in jsdom with an IntersectionObserver stand-in.

let io: ReturnType<typeof installIntersectionObserver>
beforeEach(() => {
  io = installIntersectionObserver()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
  io.uninstall()
})

const flags = {
  configcat: { promo: { value: true, variationId: 'promo-on' }, menu: { value: 'b', variationId: 'menu-b' } },
}
const sentKeys = (recorder: ReturnType<typeof createEventRecorder>) =>
  recorder.tracks().map((event) => event.properties.feature_flag_key)

/** Lets the stand-in's first callback (a microtask after observe) run. */
const settle = () => act(async () => {})
const wait = (ms: number) => act(() => vi.advanceTimersByTime(ms))

function Promo({ threshold, minVisibleMs }: { threshold?: number; minVisibleMs?: number }) {
  const { value, ref } = useTrackedFlag('promo', false, { expose: 'visible', threshold, minVisibleMs })
  return (
    <aside ref={ref} data-testid="promo">
      {String(value)}
    </aside>
  )
}

function Waiting() {
  const { bridge } = useFlagBridge()
  const [, rerender] = useState(0)
  return (
    <button type="button" data-testid="waiting" onClick={() => rerender((n) => n + 1)}>
      {bridge.waiting
        .entries()
        .map((entry) => `${entry.key}:${entry.reason}`)
        .join(',')}
    </button>
  )
}

describe("expose: 'visible'", () => {
  it('is not sent while out of view, nor before minVisibleMs; then once, across re-renders', async () => {
    const recorder = createEventRecorder()
    const view = (n: number) => (
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <span>{n}</span>
        <Promo />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view(1))
    await settle()
    await wait(5_000)
    expect(sentKeys(recorder)).toEqual([])
    const promo = screen.getByTestId('promo')
    // In view, but for less than the default second: scrolled away again, nothing is sent.
    act(() => io.setView(promo, { ratio: 1 }))
    await wait(900)
    act(() => io.setView(promo, { ratio: 0 }))
    await wait(2_000)
    expect(sentKeys(recorder)).toEqual([])
    // Less than half in view (the default threshold) does not count either.
    act(() => io.setView(promo, { ratio: 0.4 }))
    await wait(2_000)
    expect(sentKeys(recorder)).toEqual([])
    act(() => io.setView(promo, { ratio: 0.6 }))
    await wait(999)
    expect(sentKeys(recorder)).toEqual([])
    await wait(1)
    expect(sentKeys(recorder)).toEqual(['promo'])
    expect(io.watching()).toBe(0)
    rerender(view(2))
    rerender(view(3))
    await wait(2_000)
    expect(sentKeys(recorder)).toEqual(['promo'])
  })

  it('a hidden tab stops the clock: seen means in view on a visible page', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Promo />
      </TestFlagBridgeProvider>,
    )
    await settle()
    const setPage = (state: 'hidden' | 'visible') =>
      act(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
        document.dispatchEvent(new Event('visibilitychange'))
      })
    try {
      act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
      await wait(500)
      // The visitor switches tabs half a second in: the second in view has not passed.
      setPage('hidden')
      await wait(5_000)
      expect(sentKeys(recorder)).toEqual([])
      setPage('visible')
      await wait(999)
      expect(sentKeys(recorder)).toEqual([])
      await wait(1)
      expect(sentKeys(recorder)).toEqual(['promo'])
    } finally {
      Reflect.deleteProperty(document, 'visibilityState')
    }
  })

  it('a remount must be seen again, and the ledger still sends once', async () => {
    const recorder = createEventRecorder()
    const view = (mounted: number) => (
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Promo key={mounted} />
      </TestFlagBridgeProvider>
    )
    const { rerender } = render(view(1))
    await settle()
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
    await wait(1_000)
    expect(sentKeys(recorder)).toEqual(['promo'])
    rerender(view(2))
    await settle()
    expect(io.watching()).toBe(1)
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
    await wait(1_000)
    expect(io.watching()).toBe(0)
    expect(sentKeys(recorder)).toEqual(['promo'])
  })

  it('StrictMode (double effects and refs) sends once', async () => {
    const recorder = createEventRecorder()
    render(
      <StrictMode>
        <TestFlagBridgeProvider flags={flags} recorder={recorder}>
          <Promo />
        </TestFlagBridgeProvider>
      </StrictMode>,
    )
    await settle()
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
    await wait(1_000)
    expect(sentKeys(recorder)).toEqual(['promo'])
    expect(io.watching()).toBe(0)
  })

  it('an element larger than the viewport counts once it fills the threshold of the viewport', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Promo />
      </TestFlagBridgeProvider>,
    )
    await settle()
    // 3,000 px tall in an 800 px viewport: 20% of it fills 75% of the viewport.
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 0.2, width: 1000, height: 3000 }))
    await wait(1_000)
    expect(sentKeys(recorder)).toEqual(['promo'])
  })

  it('threshold and minVisibleMs are options', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Promo threshold={0.25} minVisibleMs={200} />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(io.created.at(-1)?.thresholds).toContain(0.25)
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 0.3 }))
    await wait(199)
    expect(sentKeys(recorder)).toEqual([])
    await wait(1)
    expect(sentKeys(recorder)).toEqual(['promo'])
  })

  it('an element that never mounts is never sent; the overlay says it is not yet visible', async () => {
    const recorder = createEventRecorder()
    function Unattached() {
      const { value } = useTrackedFlag('promo', false, { expose: 'visible' })
      return <p>{String(value)}</p>
    }
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Unattached />
        <Waiting />
      </TestFlagBridgeProvider>,
    )
    await settle()
    await wait(10_000)
    fireEvent.click(screen.getByTestId('waiting'))
    expect(screen.getByTestId('waiting').textContent).toBe('promo:not yet visible')
    expect(sentKeys(recorder)).toEqual([])
    expect(io.watching()).toBe(0)
  })

  it('the waiting entry goes once the flag is seen, and when the component unmounts', async () => {
    const recorder = createEventRecorder()
    function App({ show }: { show: boolean }) {
      return (
        <TestFlagBridgeProvider flags={flags} recorder={recorder}>
          {show ? <Promo /> : null}
          <MenuFlag />
          <Waiting />
        </TestFlagBridgeProvider>
      )
    }
    const { rerender } = render(<App show />)
    await settle()
    fireEvent.click(screen.getByTestId('waiting'))
    expect(screen.getByTestId('waiting').textContent).toBe('promo:not yet visible,menu:waiting for expose()')
    act(() => io.setView(screen.getByTestId('promo'), { ratio: 1 }))
    await wait(1_000)
    fireEvent.click(screen.getByTestId('waiting'))
    expect(screen.getByTestId('waiting').textContent).toBe('menu:waiting for expose()')
    rerender(<App show={false} />)
    fireEvent.click(screen.getByRole('button', { name: 'Open menu' }))
    fireEvent.click(screen.getByTestId('waiting'))
    expect(screen.getByTestId('waiting').textContent).toBe('')
    expect(sentKeys(recorder)).toEqual(['promo', 'menu'])
  })

  it('without IntersectionObserver it falls back to render, with one development warning', async () => {
    io.uninstall()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const recorder = createEventRecorder({})
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <Promo />
        <TrackedFlag flagKey="menu" default="a" expose="visible">
          {({ value }) => <span>{value}</span>}
        </TrackedFlag>
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(sentKeys(recorder)).toEqual(['promo', 'menu'])
    const warnings = warn.mock.calls
      .map(([message]) => String(message))
      .filter((text) => text.includes('IntersectionObserver'))
    expect(warnings).toEqual([
      "[flagbridge] expose: 'visible' needs IntersectionObserver, which this browser lacks: flags are exposed after render instead.",
    ])
    warn.mockRestore()
  })
})

function MenuFlag() {
  const [open, setOpen] = useState(false)
  const { value, expose } = useTrackedFlag('menu', 'a', { expose: 'manual' })
  return (
    <div>
      <button
        type="button"
        onClick={() => {
          setOpen(true)
          expose()
          expose()
        }}
      >
        Open menu
      </button>
      {open ? <p data-testid="menu">{value}</p> : null}
    </div>
  )
}

describe("expose: 'manual'", () => {
  it('sends at expose(), once however often it is called, and not again on re-renders', async () => {
    const recorder = createEventRecorder()
    let statsOf: (key: string) => number | undefined = () => undefined
    function Stats() {
      const { bridge } = useFlagBridge()
      statsOf = (key) => bridge.evaluationStats().get(key)?.count
      return null
    }
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <MenuFlag />
        <Stats />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(sentKeys(recorder)).toEqual([])
    fireEvent.click(screen.getByRole('button', { name: 'Open menu' }))
    expect(screen.getByTestId('menu').textContent).toBe('b')
    fireEvent.click(screen.getByRole('button', { name: 'Open menu' }))
    expect(sentKeys(recorder)).toEqual(['menu'])
    // The overlay counts the one committed evaluation once, though it was sent later.
    expect(statsOf('menu')).toBe(1)
    expect(recorder.tracks()[0]?.properties).toEqual({
      feature_flag_key: 'menu',
      value: 'b',
      variation_id: 'menu-b',
      flag_provider: 'configcat',
    })
  })

  it('exposed while loading: sent when the value arrives; later values are exposures too', async () => {
    const recorder = createEventRecorder()
    let vendors: Partial<Record<string, StaticVendor>> = {}
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder} onVendors={(created) => (vendors = created)}>
        <MenuFlag />
      </TestFlagBridgeProvider>,
    )
    act(() => vendors.configcat!.setState({ status: 'loading' }))
    fireEvent.click(screen.getByRole('button', { name: 'Open menu' }))
    expect(sentKeys(recorder)).toEqual([])
    act(() => vendors.configcat!.setState({ status: 'ready' }))
    expect(recorder.tracks().map((event) => event.properties.value)).toEqual(['b'])
    act(() => vendors.configcat!.setFlag('menu', { value: 'c', variationId: 'menu-c' }))
    expect(recorder.tracks().map((event) => event.properties.value)).toEqual(['b', 'c'])
  })

  it('seen is per flag and user: a new key or a sign-in in the same component waits for expose() again', async () => {
    const recorder = createEventRecorder()
    const twoFlags = {
      configcat: { ...flags.configcat, campaign: { value: 'spring', variationId: 'campaign-spring' } },
    }
    function CampaignMenu({ flagKey }: { flagKey: string }) {
      const { value, expose } = useTrackedFlag(flagKey, 'none', { expose: 'manual' })
      return (
        <button type="button" onClick={expose}>
          {value}
        </button>
      )
    }
    const { rerender } = render(
      <TestFlagBridgeProvider flags={twoFlags} recorder={recorder} user={{ id: 'ada' }}>
        <CampaignMenu flagKey="menu" />
      </TestFlagBridgeProvider>,
    )
    await settle()
    fireEvent.click(screen.getByRole('button'))
    expect(sentKeys(recorder)).toEqual(['menu'])
    // The campaign rotates: the menu was not opened for it.
    rerender(
      <TestFlagBridgeProvider flags={twoFlags} recorder={recorder} user={{ id: 'ada' }}>
        <CampaignMenu flagKey="campaign" />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(sentKeys(recorder)).toEqual(['menu'])
    fireEvent.click(screen.getByRole('button'))
    expect(sentKeys(recorder)).toEqual(['menu', 'campaign'])
    // Bob signs in: his value was not seen yet either.
    rerender(
      <TestFlagBridgeProvider flags={twoFlags} recorder={recorder} user={{ id: 'bob' }}>
        <CampaignMenu flagKey="campaign" />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(recorder.tracks().map((event) => event.userId)).toEqual(['ada', 'ada'])
    fireEvent.click(screen.getByRole('button'))
    expect(recorder.tracks().map((event) => `${event.userId} ${event.properties.feature_flag_key}`)).toEqual([
      'ada menu',
      'ada campaign',
      'bob campaign',
    ])
  })

  it('never opened: never sent, and its error still reaches onError', async () => {
    const recorder = createEventRecorder()
    const errors: FlagBridgeError[] = []
    function Wrong() {
      useTrackedFlag('menu', 3, { expose: 'manual' })
      return null
    }
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder} onError={(error) => errors.push(error)}>
        <Wrong />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(sentKeys(recorder)).toEqual([])
    expect(errors.map((error) => error.code)).toEqual(['TYPE_MISMATCH'])
  })
})

describe('<TrackedFlag>', () => {
  it('renders its function; visible wraps it in the element it watches; manual gets expose', async () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <TrackedFlag flagKey="promo" default={false} expose="visible" as="section" data-testid="wrapper">
          {({ value }) => <b>{value ? 'new promo' : 'old promo'}</b>}
        </TrackedFlag>
        <TrackedFlag flagKey="menu" default="a" expose="manual">
          {({ value, expose }) => (
            <button type="button" onClick={expose}>
              menu {value}
            </button>
          )}
        </TrackedFlag>
      </TestFlagBridgeProvider>,
    )
    await settle()
    const wrapper = screen.getByTestId('wrapper')
    expect(wrapper.tagName).toBe('SECTION')
    expect(wrapper.innerHTML).toBe('<b>new promo</b>')
    expect(sentKeys(recorder)).toEqual([])
    act(() => io.setView(wrapper, { ratio: 1 }))
    await wait(1_000)
    expect(sentKeys(recorder)).toEqual(['promo'])
    fireEvent.click(screen.getByRole('button', { name: 'menu b' }))
    expect(sentKeys(recorder)).toEqual(['promo', 'menu'])
  })

  it("expose 'render' (the default) renders no wrapper and sends after commit", () => {
    const recorder = createEventRecorder()
    const { container } = render(
      <TestFlagBridgeProvider flags={flags} recorder={recorder}>
        <TrackedFlag flagKey="promo" default={false}>
          {({ value }) => String(value)}
        </TrackedFlag>
      </TestFlagBridgeProvider>,
    )
    expect(container.innerHTML).toBe('true')
    expect(sentKeys(recorder)).toEqual(['promo'])
  })
})

describe('bad expose options', () => {
  it('are reported as INVALID_OPTIONS and replaced by their defaults', async () => {
    const recorder = createEventRecorder()
    const errors: string[] = []
    function Bad() {
      const flag = useTrackedFlag('promo', false, {
        expose: 'sometimes' as never,
        threshold: 2,
        minVisibleMs: Number.NaN,
      })
      return <i ref={flag.ref}>{String(flag.value)}</i>
    }
    render(
      <TestFlagBridgeProvider
        flags={flags}
        recorder={recorder}
        onError={(error) => errors.push(error.message)}
      >
        <Bad />
      </TestFlagBridgeProvider>,
    )
    await settle()
    expect(sentKeys(recorder)).toEqual(['promo'])
    expect(errors).toEqual([
      "[flagbridge] useTrackedFlag: expose sometimes, threshold 2, minVisibleMs NaN, exposures undefined must be 'render' | 'visible' | 'manual', 0–1, ms ≥ 0 and 'all' | 'experiments': render, 0.5, 1000, undefined are used.",
    ])
  })
})

describe("exposures: 'experiments'", () => {
  const experimentFlags = {
    configcat: { plain: { value: true, variationId: 'cc-plain' } },
    launchdarkly: {
      experiment: { value: 'b', variationId: '1', reason: 'FALLTHROUGH', inExperiment: true },
      rollout: { value: 'a', variationId: '0', reason: 'FALLTHROUGH' },
    },
  }
  function Read({ flag, exposures }: { flag: string; exposures?: 'all' | 'experiments' }) {
    const { value } = useTrackedFlag(
      flag,
      (flag === 'plain' ? false : 'x') as string | boolean,
      exposures ? { exposures } : undefined,
    )
    return <i>{String(value)}</i>
  }

  it('sends only evaluations served in an experiment; the others are logged as not an experiment', () => {
    const recorder = createEventRecorder()
    let log: () => readonly { flagKey?: string; status: string }[] = () => []
    function Log() {
      const { events } = useFlagBridge()
      log = events
      return null
    }
    render(
      <TestFlagBridgeProvider
        flags={experimentFlags}
        recorder={recorder}
        tracking={{ exposures: 'experiments' }}
      >
        <Read flag="experiment" />
        <Read flag="rollout" />
        <Read flag="plain" />
        <Read flag="plain" />
        <Log />
      </TestFlagBridgeProvider>,
    )
    expect(sentKeys(recorder)).toEqual(['experiment'])
    expect(
      log()
        .filter((entry) => entry.status === 'not-an-experiment')
        .map((entry) => entry.flagKey),
    ).toEqual(['plain', 'rollout'])
  })

  it('a per-hook override wins over tracking.exposures, both ways', () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider
        flags={experimentFlags}
        recorder={recorder}
        tracking={{ exposures: 'experiments' }}
      >
        <Read flag="plain" exposures="all" />
        <Read flag="rollout" />
      </TestFlagBridgeProvider>,
    )
    expect(sentKeys(recorder)).toEqual(['plain'])
    const other = createEventRecorder()
    render(
      <TestFlagBridgeProvider flags={experimentFlags} recorder={other}>
        <Read flag="rollout" exposures="experiments" />
        <Read flag="experiment" exposures="experiments" />
        <Read flag="plain" />
      </TestFlagBridgeProvider>,
    )
    expect(sentKeys(other)).toEqual(['experiment', 'plain'])
  })

  it('Experiment Viewed instead of, or beside, Feature Flag Evaluated', () => {
    const recorder = createEventRecorder()
    render(
      <TestFlagBridgeProvider
        flags={experimentFlags}
        recorder={recorder}
        tracking={{ exposures: 'experiments', exposureEvents: ['Experiment Viewed'] }}
      >
        <Read flag="experiment" />
        <Read flag="plain" />
      </TestFlagBridgeProvider>,
    )
    expect(sentKeys(recorder)).toEqual([])
    expect(recorder.experimentViews().map((event) => [event.properties, event.heapProperties])).toEqual([
      [
        {
          experiment_id: 'experiment',
          experiment_name: 'experiment',
          variation_id: '1',
          variation_name: 'b',
        },
        {
          experiment_id: 'experiment',
          experiment_name: 'experiment',
          variation_id: '1',
          variation_name: 'b',
        },
      ],
    ])
  })
})
