// Operations (issue 14): the README's server example, run as a process against the built package:
// secrets checked at start-up, every error logged, GET /healthz, routing that ignores the query
// string, and a graceful shutdown on SIGTERM that applies the Heap pages already acknowledged.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { heapHash } from './fakes/sign'
import { until } from './fakes/until'

const EXAMPLE = fileURLToPath(new URL('../../packages/relay/examples/server.mjs', import.meta.url))
const README = fileURLToPath(new URL('../../packages/relay/README.md', import.meta.url))
const BUILT = existsSync(fileURLToPath(new URL('../../packages/relay/dist/index.js', import.meta.url)))

interface Server {
  child: ChildProcess
  url: string
  stderr: () => string
  exited: Promise<number | null>
}

let ld: FakeLaunchDarkly
let segment: FakeSegment
let running: Server | undefined

beforeEach(async () => {
  ld = await startFakeLaunchDarkly('ld-token')
  segment = await startFakeSegment('write-key')
})
afterEach(async () => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL')
  await running?.exited
  running = undefined
  await Promise.all([ld.close(), segment.close()])
})

function start(env: Record<string, string>): Server {
  const child = spawn(process.execPath, [EXAMPLE], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const server: Server = { child, url: '', stderr: () => stderr, exited }
  running = server
  Object.defineProperty(server, 'url', { get: () => /listening on (http:\S+)/.exec(stdout)?.[1] ?? '' })
  return server
}

const SECRETS = {
  CONFIGCAT_SIGNING_KEY: 'signing-key',
  SEGMENT_WRITE_KEY: 'write-key',
  HEAP_WEBHOOK_SECRET: 'heap-secret',
  LD_ACCESS_TOKEN: 'ld-token',
}
const heapPage = JSON.stringify({
  action_type: 'segment.users.sync',
  data: {
    segment: { id: 8 },
    sync_info: { page_number: 1, total_pages: 1, sync_task_id: 't' },
    add: [{ id: 'u1' }],
  },
})

describe.skipIf(!BUILT)('the README server example', () => {
  it('is the README’s example, verbatim', () => {
    expect(readFileSync(README, 'utf8')).toContain(readFileSync(EXAMPLE, 'utf8').trim())
  })

  it('refuses to start without its secrets, naming every missing variable', async () => {
    const server = start({ CONFIGCAT_SIGNING_KEY: 'k', SEGMENT_WRITE_KEY: 'w' })
    expect(await server.exited).toBe(1)
    expect(server.stderr()).toContain('Missing environment variables: HEAP_WEBHOOK_SECRET, LD_ACCESS_TOKEN')
  })

  it('answers /healthz, routes webhooks whatever their query string, logs every error, and drains on SIGTERM', async () => {
    const server = start({ ...SECRETS, SEGMENT_HOST: segment.url, LD_BASE_URL: ld.url, LD_PROJECT: 'web' })
    await until(() => server.url !== '', 'the server to listen')

    const health = await fetch(`${server.url}/healthz`)
    expect([health.status, await health.text()]).toEqual([200, 'ok'])
    expect((await fetch(`${server.url}/nowhere`, { method: 'POST' })).status).toBe(404)

    const forged = await fetch(`${server.url}/webhooks/configcat?from=configcat`, {
      method: 'POST',
      body: '{}',
    })
    expect(forged.status).toBe(401)
    await until(() => server.stderr().includes('SIGNATURE_MISSING'), 'the refused webhook to be logged')

    // A page acknowledged while LaunchDarkly is slow, then SIGTERM: the page is applied before exit.
    const release = ld.hold()
    const accepted = await fetch(`${server.url}/webhooks/heap?attempt=1`, {
      method: 'POST',
      headers: { 'heap-hash': heapHash('heap-secret', Date.now(), heapPage) },
      body: heapPage,
    })
    expect(accepted.status).toBe(200)
    await until(() => ld.received === 1, 'the page to reach LaunchDarkly')
    server.child.kill('SIGTERM')
    release()
    expect(await server.exited).toBe(0)
    expect(ld.calls.map((call) => `${call.method} ${call.status}`)).toEqual(['POST 201', 'POST 204'])
    expect(ld.members('web', 'production', 'heap-8')).toEqual(new Set(['u1']))
  })
})
