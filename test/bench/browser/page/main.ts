// The React benchmarks' page: the jsdom run's scenarios and measurements (test/bench/react/),
// built by Vite in production mode and driven from Node by ../chromium.bench-run.ts, which calls
// `window.flagbridgeBench.run()` and formats what it returns.
import { type BenchSize, measureCached, measureChange, measureMount, mountOnce } from '../../react/measure'
import type { ReactBenchResults } from '../../react/report'
import type { Library } from '../../react/scenarios'

export interface PageResults extends ReactBenchResults {
  crossOriginIsolated: boolean
  userAgent: string
  /** Milliseconds each part took in the page. */
  durations: { mount: number; cached: number; change: number }
}

export interface BenchPage {
  /** React's build, as Vite baked `process.env.NODE_ENV` into the bundle. */
  react: string | undefined
  run(size: BenchSize): Promise<PageResults>
  /**
   * Mounts `library`'s scenario `size.runs` times, each measured part (root.render until every
   * value shows) profiled with `console.profile`; returns the measured milliseconds.
   */
  profileMounts(size: BenchSize, library: Library): Promise<number[]>
  /** One mount of `library`'s scenario, unprofiled: the measured milliseconds (mounts.bench-run.ts). */
  mountOnce(size: BenchSize, library: Library): Promise<number>
}

declare global {
  interface Window {
    flagbridgeBench?: BenchPage
    /** Exposed by the runner (page.exposeFunction): progress lines printed in Node. */
    benchProgress?: (line: string) => Promise<void>
  }
}

const progress = (line: string) => void window.benchProgress?.(line)

async function timed<T>(name: string, measure: () => Promise<T>): Promise<[T, number]> {
  progress(`${name}…`)
  const started = performance.now()
  const result = await measure()
  const ms = performance.now() - started
  progress(`${name}: ${(ms / 1000).toFixed(1)} s`)
  return [result, ms]
}

window.flagbridgeBench = {
  react: process.env.NODE_ENV,
  async run(size) {
    const [mount, mountMs] = await timed('1. mount', () => measureMount(size))
    const [cached, cachedMs] = await timed('4. mount, config in the SDK cache', () => measureCached(size))
    const [change, changeMs] = await timed('2. one flag changes', () => measureChange(size))
    return {
      ...size,
      react: process.env.NODE_ENV,
      mount,
      cached,
      change,
      crossOriginIsolated: window.crossOriginIsolated,
      userAgent: navigator.userAgent,
      durations: { mount: mountMs, cached: cachedMs, change: changeMs },
    }
  },
  async mountOnce(size, library) {
    return (await mountOnce(size, library, 'overrides')).ms
  },
  async profileMounts(size, library) {
    const times: number[] = []
    for (let run = 0; run < size.runs; run++)
      times.push((await mountOnce(size, library, 'overrides', `${library} ${run}`)).ms)
    return times
  },
}
