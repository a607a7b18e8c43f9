import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const source = (path: string) => join(repo, 'packages', path)

/**
 * `vite build` of a test page in production mode, as `NODE_ENV=production vite build` would make
 * it (Vitest runs with NODE_ENV=test, which Vite would otherwise bake into the bundle: React's
 * development build, the overlay counting as development). `@flagbridge/*` resolve to the sources,
 * as in the jsdom suites. Fails if the bundle still looks `process.env.NODE_ENV` up at run time.
 *
 * @example
 * await buildProductionPage({ root: appRoot, build: { outDir } })
 */
export async function buildProductionPage(
  config: import('vite').InlineConfig & { build: { outDir: string } },
) {
  const { build, mergeConfig } = await import('vite')
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build(
      mergeConfig(
        {
          configFile: false,
          mode: 'production',
          resolve: {
            alias: [
              { find: /^@flagbridge\/core$/, replacement: source('core/src/index.ts') },
              { find: /^@flagbridge\/core\/(engine|tracking)$/, replacement: source('core/src/$1.ts') },
              { find: /^@flagbridge\/react$/, replacement: source('react/src/index.ts') },
              { find: /^@flagbridge\/react\/(.*)$/, replacement: source('react/src/entries/$1.ts') },
            ],
            dedupe: ['react', 'react-dom', '@configcat/sdk'],
          },
          build: { emptyOutDir: true, minify: true, reportCompressedSize: false },
        },
        config,
      ),
    )
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
  const assets = join(config.build.outDir, 'assets')
  const bundle = readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(assets, file), 'utf8'))
    .join('\n')
  // The production gate is a constant in the bundle, not a runtime lookup.
  expect(bundle).not.toContain('process.env.NODE_ENV')
}
