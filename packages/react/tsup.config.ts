import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    configcat: 'src/entries/configcat.ts',
    launchdarkly: 'src/entries/launchdarkly.ts',
    devtools: 'src/entries/devtools.ts',
    testing: 'src/entries/testing.ts',
  },
  format: ['esm', 'cjs'],
  // Entries share one context module, so hooks from any entry see any entry's provider.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  banner: { js: "'use client';" },
  external: [
    /^react/,
    /^@segment\//,
    /^configcat-react/,
    /^launchdarkly-react-client-sdk/,
    '@flagbridge/core',
  ],
})
