import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { firstCodeBlock, packagesToAdd } from './readmeBlocks'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const templateDir = fileURLToPath(new URL('./template/', import.meta.url))
const readme = join(repoRoot, 'README.md')

export interface CommandResult {
  command: string
  status: number | null
  output: string
  seconds: number
}

/**
 * The environment of a user's shell: without what Vitest sets for itself (NODE_ENV=test would
 * make `vite build` bundle React's development build).
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COREPACK_INTEGRITY_KEYS: '0', CI: 'true' }
  for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST')) delete env[name]
  return env
}

/** Runs a command to completion; never throws, so a failure can be asserted with its output. */
export function run(command: string, args: string[], cwd: string): CommandResult {
  const started = performance.now()
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: userEnvironment(),
    maxBuffer: 64 * 1024 * 1024,
  })
  return {
    command: [command, ...args].join(' '),
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
    seconds: (performance.now() - started) / 1000,
  }
}

function mustRun(command: string, args: string[], cwd: string): CommandResult {
  const result = run(command, args, cwd)
  if (result.status !== 0) throw new Error(`${result.command} failed (${result.status}):\n${result.output}`)
  return result
}

/** The version specifiers the repo itself installs (root package.json), so pnpm's store has them. */
function repoSpecifiers(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  return { ...manifest.dependencies, ...manifest.devDependencies }
}

/** `pnpm pack` of packages/<name> into `destination`; returns the tarball's path. */
function pack(name: string, destination: string): string {
  mkdirSync(destination, { recursive: true })
  const before = new Set(readdirSync(destination))
  mustRun('pnpm', ['pack', '--pack-destination', destination], join(repoRoot, 'packages', name))
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz') && !before.has(file))
  if (!tarball) throw new Error(`pnpm pack produced no tarball for packages/${name}`)
  return join(destination, tarball)
}

export interface FreshApp {
  workDir: string
  appDir: string
  /** The README's install line, and what was really run for it. */
  readmeInstall: string[]
  install: CommandResult & { offline: boolean; offlineFailure?: string }
  quickStart: string
  steps: { name: string; seconds: number }[]
}

/**
 * A new Vite + React + TypeScript app as a user would have it after following the README:
 * the template copied to a temp dir, `src/App.tsx` = the README's quick start verbatim, and the
 * README's Install line run with `pnpm add`, `@flagbridge/react` (and its `@flagbridge/core`)
 * being the tarballs `pnpm pack` makes.
 *
 * Every package comes from pnpm's store, offline: the app starts with a copy of the repo's
 * lockfile and the repo's version specifiers, so pnpm reuses the resolutions the repo's own
 * install put in the store (the store keeps tarballs, not the registry metadata a fresh
 * resolution would need). If that fails, the same `pnpm add` runs online.
 */
export function createFreshApp(): FreshApp {
  const steps: FreshApp['steps'] = []
  const step = <T>(name: string, work: () => T): T => {
    const started = performance.now()
    const result = work()
    steps.push({ name, seconds: (performance.now() - started) / 1000 })
    return result
  }

  const workDir = mkdtempSync(join(tmpdir(), 'flagbridge-smoke-'))
  const appDir = join(workDir, 'app')
  const specifiers = repoSpecifiers()

  step('build packages/*/dist (only if missing)', () => {
    const missingDist = ['core', 'react'].some(
      (name) => !existsSync(join(repoRoot, 'packages', name, 'dist')),
    )
    if (missingDist) mustRun('pnpm', ['--filter', './packages/*', 'run', 'build'], repoRoot)
  })
  const tarballs = step('pnpm pack @flagbridge/core and @flagbridge/react', () => ({
    '@flagbridge/core': pack('core', join(workDir, 'packs')),
    '@flagbridge/react': pack('react', join(workDir, 'packs')),
  }))

  const quickStart = step('copy the template, paste the quick start', () => {
    cpSync(templateDir, appDir, { recursive: true })
    const manifestPath = join(appDir, 'package.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    // React and the tooling at the repo's versions (the template lists them as create-vite does).
    for (const group of ['dependencies', 'devDependencies'] as const) {
      for (const name of Object.keys(manifest[group])) {
        const specifier = specifiers[name]
        if (!specifier) throw new Error(`The repo does not depend on ${name}, which the template lists`)
        manifest[group][name] = specifier
      }
    }
    // What the registry would do: @flagbridge/react's "@flagbridge/core": "^x.y.z" is the packed core.
    manifest.pnpm = {
      overrides: { '@flagbridge/core': `file:${relative(appDir, tarballs['@flagbridge/core'])}` },
    }
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
    copyFileSync(join(repoRoot, 'pnpm-lock.yaml'), join(appDir, 'pnpm-lock.yaml'))
    const code = firstCodeBlock(readme, 'Quick start', 'tsx')
    writeFileSync(join(appDir, 'src', 'App.tsx'), code)
    return code
  })

  const readmeInstall = packagesToAdd(firstCodeBlock(readme, 'Install', 'sh'))
  const addArgs = readmeInstall.map((name) => {
    const tarball = tarballs[name as keyof typeof tarballs]
    if (tarball) return relative(appDir, tarball)
    // Pinned to what the repo installs, so the store has it; unknown names go to the registry.
    return specifiers[name] ? `${name}@${specifiers[name]}` : name
  })

  const install = step('pnpm add (the README Install line)', () => {
    // Run from the repo root so corepack picks the repo's pinned pnpm; --dir is the app.
    const offline = run('pnpm', ['--dir', appDir, 'add', '--offline', ...addArgs], repoRoot)
    if (offline.status === 0) return { ...offline, offline: true }
    const online = run('pnpm', ['--dir', appDir, 'add', ...addArgs], repoRoot)
    if (online.status !== 0) throw new Error(`${online.command} failed (${online.status}):\n${online.output}`)
    return { ...online, offline: false, offlineFailure: offline.output }
  })

  return { workDir, appDir, readmeInstall, install, quickStart, steps }
}
