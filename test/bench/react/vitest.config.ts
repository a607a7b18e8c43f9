import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const packages = fileURLToPath(new URL('../../../packages/', import.meta.url))

/** The newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let time = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return time
}

// FlagBridge as installed: the built packages (what `@flagbridge/*`'s exports point to), loaded by
// Node like any package in node_modules, as the vendors' SDKs and React are. From its sources,
// Vitest would run FlagBridge through its module transform, a cost only FlagBridge would pay.
// `pnpm bench` builds first; run alone, build before (`pnpm build`): a stale build is refused.
for (const name of ['core', 'react']) {
  const dist = join(packages, name, 'dist/index.js')
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(packages, name, 'src')))
    throw new Error(`packages/${name}/dist is missing or older than its sources: run pnpm build first.`)
}

// The React benchmarks: jsdom, one file at a time, nothing else running. Not part of `pnpm test`.
//   pnpm build && npx vitest run -c test/bench/react/vitest.config.ts
// React's production build by default (what users ship); BENCH_REACT_DEV=1 for the development build.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  esbuild: { jsx: 'automatic', jsxDev: Boolean(process.env.BENCH_REACT_DEV) },
  test: {
    name: 'bench-react',
    environment: 'jsdom',
    include: ['test/bench/react/**/*.bench-run.ts'],
    env: { NODE_ENV: process.env.BENCH_REACT_DEV ? 'development' : 'production' },
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // CommonJS packages (React) imported natively by the scenarios too, not through Vitest's interop
    // Proxy (every library's readers call React hooks; none should pay a Proxy trap per call).
    deps: { interopDefault: false },
    server: { deps: { external: [/\/packages\/(core|react)\/dist\//] } },
    reporters: ['default'],
  },
})
