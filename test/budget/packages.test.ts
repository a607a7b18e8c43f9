// What npm would publish: each package packed with `pnpm pack` (as `pnpm publish` packs it), then
// read back from the tarball. `pnpm test` builds the packages before Vitest runs, so dist exists.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const packRoot = mkdtempSync(join(tmpdir(), 'flagbridge-pack-'))
afterAll(() => rmSync(packRoot, { recursive: true, force: true }))

const REPOSITORY = 'https://github.com/flagbridge/flagbridge'
const rootLicense = readFileSync(join(repoRoot, 'LICENSE'), 'utf8')

interface Manifest {
  name: string
  license?: string
  repository?: unknown
  homepage?: unknown
  bugs?: unknown
  exports: Record<string, unknown>
  bin?: Record<string, string>
  dependencies?: Record<string, string>
}

type Packed = ReturnType<typeof packNow>
const packed = new Map<string, Packed>()
/** Packs each package once per run; the tests below read the same tarball. */
function pack(name: string): Packed {
  const cached = packed.get(name)
  if (cached) return cached
  const result = packNow(name)
  packed.set(name, result)
  return result
}

function packNow(name: string) {
  const packageDir = join(repoRoot, 'packages', name)
  if (!existsSync(join(packageDir, 'dist'))) {
    throw new Error(`packages/${name}/dist does not exist: build the packages first (pnpm build)`)
  }
  const destination = join(packRoot, name)
  execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COREPACK_INTEGRITY_KEYS: '0' },
  })
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'))
  if (!tarball) throw new Error(`pnpm pack produced no tarball for packages/${name}`)
  const path = join(destination, tarball)
  const files = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).split('\n').filter(Boolean)
  const read = (file: string) => execFileSync('tar', ['-xzOf', path, file], { encoding: 'utf8' })
  return { files, read, manifest: JSON.parse(read('package/package.json')) as Manifest }
}

/** Every file the `exports` map and `bin` point to, as tarball paths (`package/dist/index.js`). */
function entryFiles(manifest: Manifest): string[] {
  const targets: string[] = []
  const collect = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value)
    else if (value && typeof value === 'object') Object.values(value).forEach(collect)
  }
  collect(manifest.exports)
  collect(manifest.bin)
  return [...new Set(targets)].map((target) => `package/${target.replace(/^\.\//, '')}`)
}

describe.each(['core', 'react', 'relay'])('the @flagbridge/%s tarball', (name) => {
  it('carries README.md, LICENSE, package.json and dist, nothing else', { timeout: 60_000 }, () => {
    const { files } = pack(name)
    expect(files).toContain('package/README.md')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/package.json')
    expect(files).toContain('package/dist/index.js')
    const unexpected = files.filter(
      (file) => !/^package\/(README\.md|LICENSE|package\.json|dist\/.+)$/.test(file),
    )
    expect(unexpected, '`files` is only dist; npm adds README, LICENSE and package.json').toEqual([])
  })

  it('has every file its exports map and bin point to', { timeout: 60_000 }, () => {
    const { files, manifest } = pack(name)
    const entries = entryFiles(manifest)
    expect(entries).toContain('package/dist/index.d.ts')
    expect(entries.filter((entry) => !files.includes(entry))).toEqual([])
  })

  it('is MIT licensed, with the LICENSE text of the repository', { timeout: 60_000 }, () => {
    const { manifest, read } = pack(name)
    expect(manifest.license).toBe('MIT')
    expect(read('package/LICENSE')).toBe(rootLicense)
    expect(rootLicense).toMatch(/^MIT License\n\nCopyright \(c\) 2026 FlagBridge contributors\n/)
    // pnpm pack copies the workspace root's LICENSE into a package that has none, so the tarball
    // alone can't tell; npm publish (or any other tool) run in the package directory would not.
    const own = join(repoRoot, 'packages', name, 'LICENSE')
    expect(existsSync(own), `packages/${name}/LICENSE is missing: copy the root LICENSE there`).toBe(true)
    expect(readFileSync(own, 'utf8')).toBe(rootLicense)
  })

  it('links the repository, homepage and issue tracker, and its README links the root README', {
    timeout: 60_000,
  }, () => {
    const { manifest, read } = pack(name)
    expect(manifest.repository).toEqual({
      type: 'git',
      url: `git+${REPOSITORY}.git`,
      directory: `packages/${name}`,
    })
    expect(manifest.homepage).toBe(`${REPOSITORY}#readme`)
    expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` })
    const readme = read('package/README.md')
    expect(readme.startsWith(`# @flagbridge/${name}\n`)).toBe(true)
    expect(readme).toContain(`](${REPOSITORY}#readme)`)
  })

  it('publishes versions, not workspace: ranges', { timeout: 60_000 }, () => {
    const { manifest } = pack(name)
    const workspaceRanges = Object.entries(manifest.dependencies ?? {}).filter(([, range]) =>
      range.startsWith('workspace:'),
    )
    expect(workspaceRanges).toEqual([])
  })
})
