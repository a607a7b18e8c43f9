// Operations (issue 14): the README's server example, run as a process against the built package:
// secrets checked at start-up, every error logged, GET /healthz, routing that ignores the query
// string, and a graceful shutdown on SIGTERM that applies the Heap pages already acknowledged.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { CONFIGCAT_WEBHOOK_BODY_TEMPLATE } from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { heapHash, signConfigCat } from './fakes/sign'
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

/** One request through `agent` (which keeps its connection alive): status and `Connection` header, or the error code. */
function send(
  agent: Agent,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<string>((resolve) => {
    const outgoing = request(url, { method: init.method, headers: init.headers, agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(`${response.statusCode} ${response.headers.connection}`))
    })
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    outgoing.end(init.body)
  })
}

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

  it('on SIGTERM, closes each kept-alive connection after its next answer, so a sender that keeps sending cannot hold the server open', async () => {
    const server = start({ ...SECRETS, SEGMENT_HOST: segment.url, LD_BASE_URL: ld.url })
    await until(() => server.url !== '', 'the server to listen')
    const body = CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
      name === 'ChangeDetails' ? '[{"settingKey":"f","event":"changed","details":"f: off ➔ on"}]' : name,
    )
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = {
      'x-configcat-webhook-id': 'id-1',
      'x-configcat-webhook-timestamp': String(timestamp),
      'x-configcat-webhook-signature-v1': signConfigCat('signing-key', 'id-1', timestamp, body),
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // A delivery in flight (Segment asks for a retry after 1 s) when SIGTERM arrives.
      segment.script.push({ status: 503, headers: { 'retry-after': '1' } })
      const inFlight = send(agent, `${server.url}/webhooks/configcat`, { method: 'POST', headers, body })
      await until(() => segment.requests.length === 1, 'the delivery to reach Segment')
      server.child.kill('SIGTERM')
      const answers = [await inFlight]
      // The sender goes on using its kept-alive connection: one more answer, then it must
      // reconnect, and the closing server takes no new connection.
      answers.push(await send(agent, `${server.url}/healthz`, { method: 'GET' }))
      answers.push(await send(agent, `${server.url}/healthz`, { method: 'GET' }))
      expect(answers).toEqual(['200 keep-alive', '200 close', 'ECONNREFUSED'])
      expect(await server.exited).toBe(0)
      expect(segment.requests).toHaveLength(2)
      expect(segment.acceptedCount).toBe(1)
    } finally {
      agent.destroy()
    }
  })
})
