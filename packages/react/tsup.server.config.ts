import { defineConfig } from 'tsup'

// The `./server` entry, built after the client entries (tsup.config.ts) into the same dist: no
// 'use client' banner (Server Components call these functions), no React, no clean.
export default defineConfig({
  entry: { server: 'src/entries/server.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  sourcemap: true,
  target: 'es2020',
  external: [/^@flagbridge\/core/],
})
