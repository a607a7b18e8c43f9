// Case 13 of issue 14: every handler is a web-standard (Request) => Promise<Response>, with
// adapters for node:http and event-style platforms, and the main entry needs no Node built-in.
import { fileURLToPath } from 'node:url'
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  toRelayHandler,
} from '@flagbridge/relay'
import { build } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { heapHash, signConfigCat } from './fakes/sign'

const NOW_S = 1_750_000_000
const entry = (path: string) => fileURLToPath(new URL(`../../packages/relay/src/${path}`, import.meta.url))

let segment: FakeSegment
let ld: FakeLaunchDarkly
let configCat: ConfigCatWebhookHandler | undefined

beforeEach(async () => {
  segment = await startFakeSegment('write-key')
  ld = await startFakeLaunchDarkly('ld-token')
})
afterEach(async () => {
  await configCat?.close()
  configCat = undefined
  await Promise.all([segment.close(), ld.close()])
})

const changeBody = CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
  name === 'ChangeDetails' ? '[{"settingKey":"f","event":"changed","details":"f: off ➔ on"}]' : `${name}-1`,
)
const configCatHeaders = (body: string) => ({
  'content-type': 'application/json',
  'x-configcat-webhook-id': 'id-1',
  'x-configcat-webhook-timestamp': String(NOW_S),
  'x-configcat-webhook-signature-v1': signConfigCat('key', 'id-1', NOW_S, body),
})

function createConfigCat() {
  configCat = createConfigCatWebhookHandler({
    signingKeys: ['key'],
    segment: { writeKey: 'write-key', host: segment.url },
    now: () => NOW_S * 1000,
    onError: () => {},
  })
  return configCat
}

describe('the fetch form', () => {
  it('ConfigCat: Request in, JSON Response out', async () => {
    const response = await createConfigCat()(
      new Request('https://relay.example/webhooks/configcat?source=configcat', {
        method: 'POST',
        headers: configCatHeaders(changeBody),
        body: changeBody,
      }),
    )
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await response.json()).toMatchObject({ ok: true })
    expect(segment.accepted.size).toBe(1)
  })

  it('Heap: Request in, Response out, LaunchDarkly applied after the answer', async () => {
    const heap = createHeapWebhookHandler({
      secret: 'secret',
      launchDarkly: {
        accessToken: 'ld-token',
        projectKey: 'web',
        environmentKey: 'production',
        baseUrl: ld.url,
      },
      now: () => NOW_S * 1000,
      onError: () => {},
    })
    const body = JSON.stringify({
      action_type: 'segment.users.sync',
      data: {
        segment: { id: 1 },
        sync_info: { page_number: 1, total_pages: 1, sync_task_id: 't' },
        add: [{ id: 'u' }],
      },
    })
    const response = await heap(
      new Request('https://relay.example/webhooks/heap', {
        method: 'POST',
        headers: { 'heap-hash': heapHash('secret', NOW_S * 1000, body) },
        body,
      }),
    )
    expect(response.status).toBe(200)
    await heap.idle()
    expect(ld.members('web', 'production', 'heap-1')).toEqual(new Set(['u']))
  })

  it('event-style platforms: toRelayHandler takes API Gateway’s base64 bodies as their raw bytes', async () => {
    const relay = toRelayHandler(createConfigCat())
    const response = await relay({
      headers: configCatHeaders(changeBody),
      body: Buffer.from(changeBody).toString('base64'),
      isBase64Encoded: true,
    })
    expect(response).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    expect(JSON.parse(response.body)).toMatchObject({ ok: true })
  })
})

describe('the main entry', () => {
  it('bundles for a browser-like runtime: no fs, path, crypto or any other Node built-in, and no CLI', async () => {
    const result = await build({
      entryPoints: [entry('index.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((input) => input.includes('packages/relay/src/cli/'))).toEqual([])
    expect(inputs.filter((input) => input.includes('packages/relay/src/redis/'))).toEqual([])
    expect(inputs.filter((input) => input.includes('node_modules'))).toEqual([])
  })

  it('while the CLI entry needs Node (it reads files), which is why it is an entry of its own', async () => {
    await expect(
      build({
        entryPoints: [entry('cli/index.ts')],
        bundle: true,
        write: false,
        platform: 'browser',
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/node:fs\/promises/)
  })
})
