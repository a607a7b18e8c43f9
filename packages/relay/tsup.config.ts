import { defineConfig } from 'tsup'

export default defineConfig([
  {
    // The main entry (web-standard handlers, any runtime), the CLI functions and the Redis store.
    entry: { index: 'src/index.ts', cli: 'src/cli/index.ts', redis: 'src/redis/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
  },
  {
    // The bin is its own bundle: ESM only, with a shebang so `npx flagbridge-relay` runs it.
    entry: { bin: 'src/cli/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
])
