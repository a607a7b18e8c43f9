// An IntersectionObserver for jsdom (which has none), behaving like Chromium's on the points the
// exposure modes use: a callback right after observe() with the element's current state, then one
// per change, each with isIntersecting, intersectionRatio, rootBounds and intersectionRect; after
// disconnect() nothing more. Chromium calls back only when a threshold is crossed: this one calls
// back on every change, which the code must (and does) tolerate.

interface View {
  /** Share of the element in view, 0–1. */
  ratio: number
  /** The element's size (default 100 × 100) in a 1,000 × 800 viewport. */
  width?: number
  height?: number
}

const VIEWPORT = { width: 1000, height: 800 }

export function installIntersectionObserver() {
  const views = new Map<Element, View>()
  const observers = new Set<StandIn>()
  const created: Array<{ thresholds: readonly number[] }> = []

  const entryFor = (target: Element): IntersectionObserverEntry => {
    const { ratio, width = 100, height = 100 } = views.get(target) ?? { ratio: 0 }
    const shown = { width, height: height * ratio }
    return {
      target,
      time: performance.now(),
      isIntersecting: ratio > 0,
      intersectionRatio: ratio,
      rootBounds: {
        ...VIEWPORT,
        x: 0,
        y: 0,
        top: 0,
        left: 0,
        right: VIEWPORT.width,
        bottom: VIEWPORT.height,
      },
      intersectionRect: shown,
      boundingClientRect: { width, height },
    } as unknown as IntersectionObserverEntry
  }

  class StandIn {
    readonly elements = new Set<Element>()
    readonly thresholds: readonly number[]
    constructor(
      private readonly callback: IntersectionObserverCallback,
      options: IntersectionObserverInit = {},
    ) {
      const threshold = options.threshold ?? 0
      this.thresholds = Array.isArray(threshold) ? threshold : [threshold]
      if (this.thresholds.some((value) => value < 0 || value > 1))
        throw new RangeError('Threshold values must be between 0 and 1')
      created.push({ thresholds: this.thresholds })
      observers.add(this)
    }
    observe(element: Element) {
      this.elements.add(element)
      queueMicrotask(() => this.report(element))
    }
    unobserve(element: Element) {
      this.elements.delete(element)
    }
    disconnect() {
      this.elements.clear()
      observers.delete(this)
    }
    takeRecords() {
      return []
    }
    report(element: Element) {
      if (this.elements.has(element))
        this.callback([entryFor(element)], this as unknown as IntersectionObserver)
    }
  }

  const global = globalThis as { IntersectionObserver?: unknown }
  const previous = global.IntersectionObserver
  global.IntersectionObserver = StandIn
  return {
    /** Puts `element` (partly) in view, or out of it with `ratio: 0`; observers hear at once. */
    setView(element: Element, view: View) {
      views.set(element, view)
      for (const observer of [...observers]) observer.report(element)
    },
    /** Observers still watching something. */
    watching: () => [...observers].filter((observer) => observer.elements.size > 0).length,
    created,
    uninstall() {
      global.IntersectionObserver = previous
    },
  }
}
