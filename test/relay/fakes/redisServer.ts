import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A throwaway redis-server (Debian's package) on a unix socket, no persistence, no TCP port. */
export interface RedisServer {
  /** `unix://` URL for `createRedisRelayStore({ url })`. */
  url: string
  /** Freezes the server (SIGSTOP): connections stay open, commands get no answer. */
  pause(): void
  /** Thaws it (SIGCONT). */
  resume(): void
  /** Kills it (SIGKILL): connections are refused from now on. */
  kill(): Promise<void>
  /** Starts it again on the same socket, empty (no persistence), after {@link kill}. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export const REDIS_SERVER = '/usr/bin/redis-server'

/** Starts redis-server and resolves once it accepts connections (bounded: 5 s). */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'flagbridge-redis-'))
  const socket = join(dir, 'redis.sock')
  let child = await spawnRedisServer(socket)
  let exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT')
      child.kill(signal)
    }
    await exited
  }
  return {
    url: `unix://${socket}`,
    pause: () => signal(child, 'SIGSTOP'),
    resume: () => signal(child, 'SIGCONT'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL')
      child = await spawnRedisServer(socket)
      exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    },
    async stop() {
      await end('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function spawnRedisServer(socket: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 5000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
  return child
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  child.kill(name)
}
