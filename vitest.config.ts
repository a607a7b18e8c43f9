import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

// test/react18 installs React 18 and the vendor React SDKs built against it; the react18 project
// points every import of them there, so the whole React suite also runs on React 18.
const react18 = (name: string) =>
  realpathSync(fileURLToPath(new URL(`./test/react18/node_modules/${name}`, import.meta.url)))
const onReact18 = [
  'react-dom',
  'react',
  '@testing-library/react',
  'configcat-react',
  'launchdarkly-react-client-sdk',
].flatMap((name) => {
  const escaped = name.replace(/[/.-]/g, (char) => `\\${char}`)
  return [
    { find: new RegExp(`^${escaped}$`), replacement: react18(name) },
    { find: new RegExp(`^${escaped}/(.*)$`), replacement: `${react18(name)}/$1` },
  ]
})

// One run, several projects: Node for the engine and the relay, jsdom for React,
// and Node-driven real Chromium for the browser and end-to-end suites.
export default defineConfig({
  // Unit suites run against the sources; the e2e suite installs the packed tarballs instead.
  resolve: {
    alias: [
      { find: /^@flagbridge\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@flagbridge\/core\/(engine|tracking|server)$/, replacement: src('core/src/$1.ts') },
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
        esbuild: { jsx: 'automatic' },
        resolve: { alias: onReact18 },
        test: {
          name: 'react18',
          environment: 'jsdom',
          include: ['test/react/**/*.test.{ts,tsx}'],
          // Builds an app from the packed dist (React external): not about the React version.
          exclude: ['test/react/optionalPeers.test.ts'],
          setupFiles: ['test/react/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: [
            'test/e2e/**/*.test.ts',
            'test/browser/**/*.test.ts',
            'test/stories/**/*.test.ts',
            'test/smoke/**/*.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
