import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The README's code is the API's first test: every TypeScript block must compile against the
// built packages (as an app imports them), and the examples that run are run, verbatim.
const repo = fileURLToPath(new URL('../../', import.meta.url))
const readme = readFileSync(join(repo, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```tsx\n([\s\S]*?)```/g)].map((match) => match[1]!)

/** A file that holds a README block verbatim after its one-line header comment. */
function verbatimCopy(path: string): string {
  const text = readFileSync(join(repo, path), 'utf8')
  return text.slice(text.indexOf('\n') + 1)
}

describe('README code', () => {
  it('has its examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
  })

  it('every TypeScript block type-checks against the built packages', () => {
    // Inside the repo, so `@flagbridge/react` resolves as in an app: node_modules → package exports → dist.
    const dir = join(repo, 'test', 'budget', '.readme-snippets')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    const files = blocks.map((block, index) => {
      // A block that names its file (`// app/layout.tsx`, the Next.js section) is written there, so
      // the blocks' imports of each other resolve as they would in the app.
      const file = /^\/\/ ((?:app|lib)\/[\w./-]+\.tsx?)\n/.exec(block)?.[1] ?? `snippet-${index + 1}.tsx`
      mkdirSync(dirname(join(dir, file)), { recursive: true })
      writeFileSync(join(dir, file), block)
      return file
    })
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.base.json',
        compilerOptions: { noEmit: true, types: ['node'], declaration: false },
        files,
      }),
    )
    const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
    })
    rmSync(dir, { recursive: true, force: true })
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.status).toBe(0)
  })

  it('the testing example is run as a test, verbatim (test/react/readmeExample.test.tsx)', () => {
    expect(blocks).toContain(verbatimCopy('test/react/readmeExample.test.tsx'))
  })

  it('the way to load the overlay is built as a production page, verbatim (test/browser/lazyOverlayApp)', () => {
    expect(blocks).toContain(verbatimCopy('test/browser/lazyOverlayApp/Devtools.tsx'))
  })
})
