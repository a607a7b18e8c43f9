import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packFlagBridge, repoRoot } from './buildApp'

export const nextAppRoot = fileURLToPath(new URL('../next-app/', import.meta.url))
const nextBin = join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next')

/** Next.js must neither phone home nor fetch anything: no telemetry, SWC from the installed optional dependency. */
function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_ENV: _vitestMode, ...env } = process.env
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', ...extra }
}

/**
 * Packs @flagbridge/core and @flagbridge/react, puts the tarballs' contents in the Next app's
 * node_modules (next, React and the vendor SDKs resolve from the repo's), and runs `next build`.
 */
export function buildNextApp(): { seconds: number } {
  const started = Date.now()
  const workDir = mkdtempSync(join(tmpdir(), 'flagbridge-next-pack-'))
  try {
    packFlagBridge(workDir, join(nextAppRoot, 'node_modules'))
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
  rmSync(join(nextAppRoot, '.next'), { recursive: true, force: true })
  execFileSync(process.execPath, [nextBin, 'build'], {
    cwd: nextAppRoot,
    env: nextEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  return { seconds: (Date.now() - started) / 1000 }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A running `next start`; `logs` collects its stdout and stderr (server-side reports land there). */
export interface NextServer {
  origin: string
  logs: string[]
  stop(): Promise<void>
}

/** Starts `next start` on 127.0.0.1 with `env` (vendor origin and keys), once it answers. */
export async function startNextApp(env: Record<string, string>): Promise<NextServer> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: nextAppRoot, env: nextEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const logs: string[] = []
  const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean))
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${logs.join('\n')}`)
    if (logs.some((line) => /Ready in|started server/i.test(line))) break
    if (Date.now() > deadline) throw new Error(`next start did not get ready:\n${logs.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    origin,
    logs,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
