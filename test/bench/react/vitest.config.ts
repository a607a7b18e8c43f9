import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`../../../packages/${path}`, import.meta.url))

// The React benchmarks: jsdom, one file at a time, nothing else running. Not part of `pnpm test`.
//   npx vitest run -c test/bench/react/vitest.config.ts
// React's production build by default (what users ship); BENCH_REACT_DEV=1 for the development build.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: {
    alias: [
      { find: /^@flagbridge\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@flagbridge\/core\/(engine|tracking)$/, replacement: src('core/src/$1.ts') },
      { find: /^@flagbridge\/react$/, replacement: src('react/src/index.ts') },
      { find: /^@flagbridge\/react\/(.*)$/, replacement: src('react/src/entries/$1.ts') },
    ],
  },
  esbuild: { jsx: 'automatic', jsxDev: Boolean(process.env.BENCH_REACT_DEV) },
  test: {
    name: 'bench-react',
    environment: 'jsdom',
    include: ['test/bench/react/**/*.bench-run.ts'],
    env: { NODE_ENV: process.env.BENCH_REACT_DEV ? 'development' : 'production' },
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // CommonJS packages (React) imported natively, not through Vitest's interop Proxy: FlagBridge runs
    // from its sources here, and each of its React calls (useState, useSyncExternalStore, …) would go
    // through a Proxy trap that neither the vendors' SDKs (native ESM) nor FlagBridge as installed
    // (node_modules/@flagbridge/*/dist, external) pay. The scenarios' own React calls lose it too.
    deps: { interopDefault: false },
    reporters: ['default'],
  },
})
