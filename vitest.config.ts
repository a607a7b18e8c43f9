import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

// One run, several projects: Node for the engine and the relay, jsdom for React,
// and Node-driven real Chromium for the browser and end-to-end suites.
export default defineConfig({
  // Unit suites run against the sources; the e2e suite installs the packed tarballs instead.
  resolve: {
    alias: [
      { find: /^@flagbridge\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@flagbridge\/react$/, replacement: src('react/src/index.ts') },
      { find: /^@flagbridge\/react\/(.*)$/, replacement: src('react/src/entries/$1.ts') },
      { find: /^@flagbridge\/relay$/, replacement: src('relay/src/index.ts') },
    ],
  },
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-artifacts/results.json' },
    projects: [
      { extends: true, test: { name: 'core', environment: 'node', include: ['test/core/**/*.test.ts'] } },
      { extends: true, test: { name: 'relay', environment: 'node', include: ['test/relay/**/*.test.ts'] } },
      { extends: true, test: { name: 'budget', environment: 'node', include: ['test/budget/**/*.test.ts'] } },
      {
        extends: true,
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'react',
          environment: 'jsdom',
          include: ['test/react/**/*.test.{ts,tsx}'],
          setupFiles: ['test/react/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
