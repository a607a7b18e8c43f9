import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const appRoot = fileURLToPath(new URL('../app/', import.meta.url))

// Peers of @flagbridge/react (and what they import) resolve from the repo's node_modules:
// the extracted tarballs live in a temp dir with no node_modules of their own.
const PEERS = [
  'react',
  'react-dom',
  'configcat-react',
  'launchdarkly-react-client-sdk',
  '@segment/analytics-next',
]

function run(command: string, args: string[], cwd: string) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COREPACK_INTEGRITY_KEYS: '0' },
  })
}

/**
 * `pnpm pack`s @flagbridge/core and @flagbridge/react (building packages/* first if a dist is
 * missing) and extracts the tarballs to `nodeModules/@flagbridge/{core,react}`, replacing what
 * was there. Returns each package's directory.
 */
export function packFlagBridge(workDir: string, nodeModules: string): Record<string, string> {
  const missingDist = ['core', 'react'].some((name) => !existsSync(join(repoRoot, 'packages', name, 'dist')))
  if (missingDist) run('pnpm', ['--filter', './packages/*', 'run', 'build'], repoRoot)

  const packages: Record<string, string> = {}
  for (const name of ['core', 'react']) {
    const packDir = join(workDir, 'packs', name)
    mkdirSync(packDir, { recursive: true })
    run('pnpm', ['pack', '--pack-destination', packDir], join(repoRoot, 'packages', name))
    const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'))
    if (!tarball) throw new Error(`pnpm pack produced no tarball for packages/${name}`)
    const extractDir = join(workDir, 'extract', name)
    mkdirSync(extractDir, { recursive: true })
    run('tar', ['-xzf', join(packDir, tarball), '-C', extractDir], workDir)
    const target = join(nodeModules, '@flagbridge', name)
    mkdirSync(join(nodeModules, '@flagbridge'), { recursive: true })
    rmSync(target, { recursive: true, force: true })
    renameSync(join(extractDir, 'package'), target)
    packages[`@flagbridge/${name}`] = target
  }
  return packages
}

/**
 * Packs @flagbridge/core and @flagbridge/react as npm would publish them, extracts the
 * tarballs, and builds the harness app with Vite against them (not the workspace
 * sources), so a packaging mistake (a file missing from `files`, a broken `exports` map,
 * an import of an undeclared dependency) fails here. Returns the built app's directory.
 */
export async function buildHarnessApp(): Promise<{ outDir: string; workDir: string }> {
  const workDir = mkdtempSync(join(tmpdir(), 'flagbridge-e2e-'))
  const packages = packFlagBridge(workDir, join(workDir, 'node_modules'))

  const { build } = await import('vite')
  const react = (await import('@vitejs/plugin-react')).default
  const outDir = join(workDir, 'app-dist')
  await build({
    configFile: false,
    root: appRoot,
    logLevel: 'warn',
    mode: 'production',
    plugins: [react()],
    resolve: {
      alias: [
        // Package roots, not files: Vite then resolves through each package's `exports` map.
        { find: /^@flagbridge\/core$/, replacement: packages['@flagbridge/core']! },
        { find: /^@flagbridge\/react$/, replacement: packages['@flagbridge/react']! },
      ],
      dedupe: PEERS,
    },
    build: { outDir, emptyOutDir: true, sourcemap: false, minify: true, reportCompressedSize: false },
  })
  return { outDir, workDir }
}
