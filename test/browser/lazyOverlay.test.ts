import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { buildProductionPage } from '../support/productionBuild'

// The README's way to load the overlay (lazyOverlayApp/Devtools.tsx, kept verbatim by
// test/budget/readme.test.ts), built as an app would be: production emits nothing of the overlay,
// so nothing can be downloaded; development emits it as a chunk of its own, loaded on demand.
const root = fileURLToPath(new URL('./lazyOverlayApp/', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'flagbridge-lazy-overlay-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

/** The built JavaScript files, and which of them hold the overlay (its host element's tag). */
function emitted(outDir: string) {
  const assets = join(outDir, 'assets')
  const files = readdirSync(assets).filter((file) => file.endsWith('.js'))
  const overlay = files.filter((file) =>
    readFileSync(join(assets, file), 'utf8').includes('flagbridge-devtools'),
  )
  const entryHtml = readFileSync(join(outDir, 'index.html'), 'utf8')
  return { files, overlay, entry: files.filter((file) => entryHtml.includes(file)) }
}

describe('the README’s lazily loaded overlay', () => {
  it('production: no overlay chunk is emitted, so none is downloaded', async () => {
    const outDir = join(out, 'production')
    await buildProductionPage({ root, build: { outDir } })
    const { overlay, files } = emitted(outDir)
    expect(files.length).toBeGreaterThan(0)
    expect(overlay).toEqual([])
  })

  it('development: the overlay is a chunk of its own, outside the entry', async () => {
    const outDir = join(out, 'development')
    const { build } = await import('vite')
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'development'
    try {
      await build({
        configFile: false,
        root,
        mode: 'development',
        logLevel: 'warn',
        resolve: {
          alias: [
            {
              find: /^@flagbridge\/core$/,
              replacement: fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)),
            },
            {
              find: /^@flagbridge\/core\/(engine|tracking)$/,
              replacement: `${fileURLToPath(new URL('../../packages/core/src/', import.meta.url))}$1.ts`,
            },
            {
              find: /^@flagbridge\/react$/,
              replacement: fileURLToPath(new URL('../../packages/react/src/index.ts', import.meta.url)),
            },
            {
              find: /^@flagbridge\/react\/(.*)$/,
              replacement: fileURLToPath(new URL('../../packages/react/src/entries/$1.ts', import.meta.url)),
            },
          ],
          dedupe: ['react', 'react-dom'],
        },
        build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
      })
    } finally {
      process.env.NODE_ENV = nodeEnv
    }
    const { overlay, entry } = emitted(outDir)
    expect(overlay).toHaveLength(1)
    expect(entry).not.toContain(overlay[0])
  })
})
