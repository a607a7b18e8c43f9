// Case 13 of issue 14: the handlers run unchanged in a second, real runtime: Cloudflare's workerd,
// through the `miniflare` npm package (the workerd binary ships in @cloudflare/workerd-linux-64).
// The worker is bundled with esbuild for the browser platform, without the nodejs_compat flag.
import { fileURLToPath } from 'node:url'
import { CONFIGCAT_WEBHOOK_BODY_TEMPLATE } from '@flagbridge/relay'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { heapHash, signConfigCat } from './fakes/sign'
import { until } from './fakes/until'

const WORKER = fileURLToPath(new URL('./runtime/worker.ts', import.meta.url))

let worker: Miniflare
let segment: FakeSegment
let ld: FakeLaunchDarkly

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [WORKER],
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'silent',
  })
  segment = await startFakeSegment('write-key')
  ld = await startFakeLaunchDarkly('ld-token')
  worker = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]?.text ?? '',
    compatibilityDate: '2025-06-01',
    // Miniflare would otherwise fetch Request.cf data from workers.cloudflare.com.
    cf: false,
    bindings: {
      CONFIGCAT_SIGNING_KEY: 'signing-key',
      SEGMENT_WRITE_KEY: 'write-key',
      SEGMENT_HOST: segment.url,
      HEAP_WEBHOOK_SECRET: 'heap-secret',
      LD_ACCESS_TOKEN: 'ld-token',
      LD_BASE_URL: ld.url,
    },
  })
  await worker.ready
}, 30_000)
afterAll(async () => {
  await worker?.dispose()
  await Promise.all([segment?.close(), ld?.close()])
})
beforeEach(() => {
  ld.calls.length = 0
})

const post = (path: string, headers: Record<string, string>, body: string | Uint8Array) =>
  worker.dispatchFetch(`http://relay.example${path}`, { method: 'POST', headers, body })

describe('the handlers in workerd', () => {
  it('runs in workerd, not in Node', async () => {
    const response = await worker.dispatchFetch('http://relay.example/runtime')
    expect(await response.text()).toBe('Cloudflare-Workers')
  })

  it('ConfigCat → Segment: verifies with Web Crypto and sends the event', async () => {
    const body = CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
      name === 'ChangeDetails'
        ? '[{"settingKey":"f","event":"changed","details":"f: off ➔ on"}]'
        : `${name}-w`,
    )
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = {
      'x-configcat-webhook-id': 'id-1',
      'x-configcat-webhook-timestamp': String(timestamp),
      'x-configcat-webhook-signature-v1': signConfigCat('signing-key', 'id-1', timestamp, body),
    }
    const response = await post('/webhooks/configcat', headers, body)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ok: true })
    expect([...segment.accepted.values()]).toMatchObject([
      { event: 'Feature Flag Changed', properties: { config_id: 'ConfigId-w', details: 'f: off ➔ on' } },
    ])

    // A second change, in a later request: nothing of the first request's I/O is reused.
    const next = body.replace('f: off ➔ on', 'f: on ➔ off')
    const nextHeaders = {
      ...headers,
      'x-configcat-webhook-signature-v1': signConfigCat('signing-key', 'id-1', timestamp, next),
    }
    expect((await post('/webhooks/configcat', nextHeaders, next)).status).toBe(200)
    expect(segment.accepted.size).toBe(2)

    const forged = await post('/webhooks/configcat', headers, `${body} `)
    expect(forged.status).toBe(401)
    const tooBig = await post('/webhooks/configcat', headers, 'x'.repeat(65 * 1024))
    expect(tooBig.status).toBe(413)
  })

  it('Heap → LaunchDarkly: answers, then applies the pages of several requests through waitUntil', async () => {
    const page = (pageNumber: number, ids: string[]) =>
      JSON.stringify({
        action_type: 'segment.users.sync',
        data: {
          segment: { id: 77, name: 'Edge' },
          sync_info: { page_number: pageNumber, total_pages: 2, sync_task_id: 'edge-task' },
          add: ids.map((id) => ({ id })),
        },
      })
    const send = (body: string) =>
      post('/webhooks/heap', { 'heap-hash': heapHash('heap-secret', Date.now(), body) }, body)
    const answers = await Promise.all([send(page(1, ['u1', 'u2'])), send(page(2, ['u3']))])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    expect(await answers[0]?.json()).toEqual({ ok: true, segmentKey: 'heap-77', queued: true })
    await until(async () => {
      const applied = (await (await worker.dispatchFetch('http://relay.example/applied')).json()) as unknown[]
      return applied.length === 2
    }, 'the worker to apply both pages')
    expect(ld.calls.map((call) => `${call.method} ${call.status} ${call.apiVersion}`)).toEqual([
      'POST 201 20240415',
      'POST 204 20240415',
      'POST 204 20240415',
    ])
    expect(ld.members('web', 'production', 'heap-77')).toEqual(new Set(['u1', 'u2', 'u3']))
  })
})
