import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// StrykerJS's vitest runner cannot pick one project of the multi-project root config, so mutation
// testing gets this one: the root config's `core` project (Node, with per-file
// `// @vitest-environment jsdom` comments) and its `@flagbridge/core` alias onto the sources.
const root = fileURLToPath(new URL('../..', import.meta.url))

export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^@flagbridge\/core$/, replacement: `${root}/packages/core/src/index.ts` },
      { find: /^@flagbridge\/core\/(engine|tracking)$/, replacement: `${root}/packages/core/src/$1.ts` },
    ],
  },
  test: {
    name: 'core',
    environment: 'node',
    include: ['test/core/**/*.test.ts'],
  },
})
