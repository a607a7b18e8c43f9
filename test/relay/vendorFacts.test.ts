// Cases 14 and 15 of issue 14: what the vendors' documentation says, pinned.
//
// ConfigCat (configcat.com/docs/advanced/notifications-webhooks, "Verifying Webhook requests" and
// "Retries"): X-ConfigCat-Webhook-ID is "different for every request", the timestamp is "the time
// the request was sent", and a failed request is retried up to 5 times. So a retry arrives with a
// new id and a new timestamp and the same body.
//
// Heap (github.com/heap/heap-api-reference, bin/generateTestHeapHeaders.js and
// middleware/validateHeapHeader.ts): Heap-Hash is `ts:<+Date.now()>,hmac:<base64 HMAC-SHA256(secret, ts + body)>`.
//
// LaunchDarkly (launchdarkly.com/docs/guides/api/api-migration-guide): 20240415 changed list
// endpoints and removed the Users APIs; the segment endpoints the relay uses are the same in
// 20220603 and 20240415, and LD-API-Version overrides the token's version.
import { createHmac } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createLaunchDarklySegments,
  LAUNCHDARKLY_API_VERSION,
  toRelayHandler,
  verifyHeapSignature,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../packages/relay/src/cli/index'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { signConfigCat } from './fakes/sign'

const NOW_S = 1_750_000_000

let segment: FakeSegment
let ld: FakeLaunchDarkly
let handler: ConfigCatWebhookHandler | undefined

beforeEach(async () => {
  segment = await startFakeSegment('write-key')
  ld = await startFakeLaunchDarkly('ld-token')
})
afterEach(async () => {
  await handler?.close()
  handler = undefined
  await Promise.all([segment.close(), ld.close()])
})

const change = (details: string) =>
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
    name === 'ChangeDetails' ? JSON.stringify([{ settingKey: 'f', event: 'changed', details }]) : `${name}-1`,
  )
/** A ConfigCat request: its own id and timestamp, as ConfigCat sends every request and every retry. */
const request = (body: string, id: string, timestamp: number) => ({
  headers: {
    'x-configcat-webhook-id': id,
    'x-configcat-webhook-timestamp': String(timestamp),
    'x-configcat-webhook-signature-v1': signConfigCat('key', id, timestamp, body),
  },
  body,
})

function createRelay() {
  handler = createConfigCatWebhookHandler({
    signingKeys: ['key'],
    segment: { writeKey: 'write-key', host: segment.url, sleep: async () => {} },
    now: () => NOW_S * 1000,
    onError: () => {},
  })
  return toRelayHandler(handler)
}

describe('case 14: ConfigCat retries carry a new webhook id and timestamp', () => {
  it('a retry of a change Segment already has (the answer was lost) is not sent again', async () => {
    const relay = createRelay()
    const body = change('f: off ➔ on')
    expect((await relay(request(body, 'b616ca659d154a5fb907dd8475792eeb', NOW_S))).status).toBe(200)
    const retry = await relay(request(body, '5d3c1f0e2b4a49c8a1e7f6d5c4b3a291', NOW_S + 60))
    expect(retry.status).toBe(200)
    expect(segment.requests).toHaveLength(1)
    expect(segment.accepted.size).toBe(1)
  })

  it('every attempt at one change uses the same messageId, so Segment drops the copies', async () => {
    segment.script.push({ status: 500 }, { status: 500 }, { status: 500 })
    const relay = createRelay()
    const body = change('f: off ➔ on')
    expect((await relay(request(body, 'id-1', NOW_S))).status).toBe(503)
    expect((await relay(request(body, 'id-2', NOW_S + 60))).status).toBe(200)
    const ids = segment.requests.map((sent) => sent.batch[0]?.messageId)
    expect(ids).toHaveLength(4)
    expect(new Set(ids).size).toBe(1)
  })

  it('a replay of a request already delivered (same id, within the timestamp window) is not sent again, even after another change', async () => {
    const relay = createRelay()
    const first = request(change('f: off ➔ on'), 'id-1', NOW_S)
    expect((await relay(first)).status).toBe(200)
    expect((await relay(request(change('f: on ➔ off'), 'id-2', NOW_S + 10))).status).toBe(200)
    // The first request again, byte for byte: captured on the way, or repeated by a proxy.
    const replay = await relay(first)
    expect(replay.status).toBe(200)
    expect(JSON.parse(replay.body)).toMatchObject({ duplicate: true })
    expect(segment.requests).toHaveLength(2)
    expect(segment.acceptedCount).toBe(2)
  })

  it('a flag turned on, off and on again is three events, not a retry', async () => {
    const relay = createRelay()
    await relay(request(change('f: off ➔ on'), 'id-1', NOW_S))
    await relay(request(change('f: on ➔ off'), 'id-2', NOW_S + 10))
    await relay(request(change('f: off ➔ on'), 'id-3', NOW_S + 20))
    expect(segment.accepted.size).toBe(3)
  })
})

describe('case 14: Heap-Hash is epoch milliseconds and base64', () => {
  const secret = 'webhook_secret_key'
  const body =
    '{"action_type":"segment.users.sync","data":{"segment":{"id":1338065,"name":"Free Customers"}}}'
  const ms = 1_750_000_000_123
  const sign = (ts: number, encoding: 'base64' | 'hex') =>
    createHmac('sha256', secret).update(`${ts}${body}`).digest(encoding)
  const verify = (header: string) =>
    verifyHeapSignature({ headers: { 'heap-hash': header }, body, secret, now: () => ms }).then(
      () => 'ok',
      (error: { code: string }) => error.code,
    )

  it('accepts the form Heap’s own tooling produces, and neither seconds nor hex', async () => {
    expect(await verify(`ts:${ms},hmac:${sign(ms, 'base64')}`)).toBe('ok')
    expect(await verify(`ts:${Math.floor(ms / 1000)},hmac:${sign(Math.floor(ms / 1000), 'base64')}`)).toBe(
      'TIMESTAMP_STALE',
    )
    expect(await verify(`ts:${ms},hmac:${sign(ms, 'hex')}`)).toBe('SIGNATURE_INVALID')
  })
})

describe('case 15: LD-API-Version', () => {
  it(`sends ${LAUNCHDARKLY_API_VERSION} on create, update contexts and delete, whatever version the token was created with`, async () => {
    const segments = createLaunchDarklySegments({
      accessToken: 'ld-token',
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
    })
    await segments.ensureSegment({ key: 's', name: 'S' })
    await segments.updateContexts('s', { add: ['u'], remove: [] })
    await segments.deleteSegment('s')
    expect(ld.calls.map((call) => `${call.method} ${call.status} ${call.apiVersion}`)).toEqual([
      'POST 201 20240415',
      'POST 204 20240415',
      'DELETE 204 20240415',
    ])
  })

  it('can pin another version, for tokens of an account that must stay on it', async () => {
    const segments = createLaunchDarklySegments({
      accessToken: 'ld-token',
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      apiVersion: '20220603',
    })
    await segments.ensureSegment({ key: 's', name: 'S' })
    await segments.updateContexts('s', { add: ['u'], remove: [] })
    expect(ld.calls.map((call) => call.apiVersion)).toEqual(['20220603', '20220603'])
  })

  it('the CLI sends it too', async () => {
    const out: string[] = []
    const io = { write: (text: string) => out.push(text) }
    const dir = await mkdtemp(join(tmpdir(), 'flagbridge-version-'))
    try {
      await writeFile(join(dir, 'members.csv'), 'user_id\nu1\n')
      const code = await runCli(
        [
          'sync-segment',
          '--file',
          'members.csv',
          '--segment',
          's',
          '--project',
          'web',
          '--environment',
          'production',
          '--base-url',
          ld.url,
        ],
        { stdout: io, stderr: io, env: { LD_ACCESS_TOKEN: 'ld-token' }, cwd: dir },
      )
      expect(code, out.join('')).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(ld.calls.map((call) => call.apiVersion)).toEqual(['20240415', '20240415'])
  })
})
