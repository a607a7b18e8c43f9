import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The React benchmarks in Debian's Chromium: Node builds test/bench/browser/page with Vite
// (production), serves it on 127.0.0.1 and drives it with playwright-core. Not part of `pnpm test`.
//   pnpm bench:browser        (BENCH_RUNS, BENCH_COMPONENTS, BENCH_FLAGS as for the jsdom run)
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    name: 'bench-browser',
    environment: 'node',
    include: ['test/bench/browser/**/*.bench-run.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
})
