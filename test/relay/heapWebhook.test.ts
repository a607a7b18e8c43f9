import {
  createHeapWebhookHandler,
  type HeapSyncResult,
  type HeapWebhookHandlerOptions,
  toRelayHandler,
  verifyHeapSignature,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { heapHash } from './fakes/sign'

const SECRET = 'heap-shared-secret'
const TOKEN = 'api-0123456789'
const NOW = 1_750_000_000_000
const now = () => NOW

let ld: FakeLaunchDarkly
let sleeps: number[]
let errors: unknown[]
let results: HeapSyncResult[]

beforeEach(async () => {
  ld = await startFakeLaunchDarkly(TOKEN)
  sleeps = []
  errors = []
  results = []
})
afterEach(() => ld.close())

/** The web-standard handler; its in-process queue applies pages after the answer. */
function createHandler(overrides: Partial<HeapWebhookHandlerOptions> = {}) {
  return createHeapWebhookHandler({
    secret: SECRET,
    launchDarkly: {
      accessToken: TOKEN,
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      maxRetries: 3,
      now,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    },
    now,
    sleep: async () => {},
    onError: (error) => errors.push(error),
    onApplied: (result) => results.push(result),
    ...overrides,
  })
}

/** A handler in `{ headers, body }` form, and `settle()` to wait until its queue applied everything. */
function createRelay(overrides: Partial<HeapWebhookHandlerOptions> = {}) {
  const heap = createHandler(overrides)
  return Object.assign(toRelayHandler(heap), { settle: () => heap.idle() })
}

function page(options: {
  add?: Array<string | number>
  remove?: Array<string | number>
  page?: number
  pages?: number
  task?: string
  action?: string
  segmentId?: string | number
}) {
  return JSON.stringify({
    action_type: options.action ?? 'segment.users.sync',
    data: {
      segment: { id: options.segmentId ?? 4242, name: 'Power users' },
      sync_info: {
        page_number: options.page ?? 1,
        total_pages: options.pages ?? 1,
        sync_task_id: options.task ?? 'task-1',
      },
      add: (options.add ?? []).map((id) => ({ id })),
      remove: (options.remove ?? []).map((id) => ({ id })),
    },
    customer_config: {},
  })
}

function signed(body: string, ts = NOW, secret = SECRET) {
  return { headers: { 'heap-hash': heapHash(secret, ts, body), 'content-type': 'application/json' }, body }
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `user-${from + i}`)
const contextCalls = () => ld.calls.filter((call) => call.path.endsWith('/contexts'))

describe('Heap-Hash signature', () => {
  const body = page({ add: ['u1'] })
  const check = async (header: string | undefined, nowMs = NOW, text = body) => {
    try {
      await verifyHeapSignature({
        headers: header === undefined ? {} : { 'Heap-Hash': header },
        body: text,
        secret: SECRET,
        now: () => nowMs,
      })
      return 'ok'
    } catch (error) {
      return (error as { code: string }).code
    }
  }

  it('accepts a valid signature, also with spaces and a rotated secret list', async () => {
    expect(await check(heapHash(SECRET, NOW, body))).toBe('ok')
    expect(await check(heapHash(SECRET, NOW, body).replace(',', ' , '))).toBe('ok')
    const rotated = await verifyHeapSignature({
      headers: { 'heap-hash': heapHash('new-secret', NOW, body) },
      body,
      secret: [SECRET, 'new-secret'],
      now,
    })
    expect(rotated).toEqual({ timestampMs: NOW })
  })

  it('refuses tampering, wrong secrets, stale/future timestamps and malformed headers', async () => {
    expect(await check(heapHash(SECRET, NOW, body), NOW, `${body} `)).toBe('SIGNATURE_INVALID')
    expect(await check(heapHash('other', NOW, body))).toBe('SIGNATURE_INVALID')
    expect(await check(heapHash(SECRET, NOW - 301_000, body))).toBe('TIMESTAMP_STALE')
    expect(await check(heapHash(SECRET, NOW + 301_000, body))).toBe('TIMESTAMP_STALE')
    expect(await check(heapHash(SECRET, NOW - 299_000, body))).toBe('ok')
    expect(await check(undefined)).toBe('SIGNATURE_MISSING')
    expect(await check('hmac:abc')).toBe('SIGNATURE_INVALID')
    expect(await check(`ts:soon,hmac:${heapHash(SECRET, NOW, body).split('hmac:')[1]}`)).toBe(
      'SIGNATURE_INVALID',
    )
    // A signature over another timestamp cannot be replayed with a fresh one.
    const old = heapHash(SECRET, NOW - 3_600_000, body)
    expect(await check(old.replace(String(NOW - 3_600_000), String(NOW)))).toBe('SIGNATURE_INVALID')
  })
})

describe('Heap segment sync → LaunchDarkly', () => {
  it('creates the segment and applies a 10,000-member sync delivered in 2 pages, in chunks of 1,000', async () => {
    const relay = createRelay()
    const first = await relay(signed(page({ add: ids(0, 5000), page: 1, pages: 2 })))
    const second = await relay(signed(page({ add: ids(5000, 5000), page: 2, pages: 2 })))
    expect([first.status, second.status]).toEqual([200, 200])
    expect(JSON.parse(second.body)).toEqual({ ok: true, segmentKey: 'heap-4242', queued: true })
    await relay.settle()
    expect(results[1]).toEqual({
      segmentKey: 'heap-4242',
      taskId: 'task-1',
      page: 2,
      requests: 5,
      added: 5000,
      removed: 0,
      deleted: false,
    })

    const creates = ld.calls.filter((call) => call.path === '/api/v2/segments/web/production')
    expect(creates).toHaveLength(1)
    expect(creates[0]?.body).toEqual({
      key: 'heap-4242',
      name: 'Heap: Power users',
      unbounded: true,
      unboundedContextKind: 'user',
    })
    expect(creates[0]?.authorization).toBe(TOKEN)
    expect(contextCalls()).toHaveLength(10)
    expect(
      contextCalls().every((call) => call.body.included.add.length === 1000 && call.status === 204),
    ).toBe(true)
    expect(ld.calls).toHaveLength(11)
    expect(ld.addsApplied).toBe(10_000)
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(ids(0, 10_000)))
    expect(ld.segments.get('web/production/heap-4242')).toMatchObject({ unbounded: true, kind: 'user' })
  })

  it('applies removals, and treats an existing segment (409) as fine', async () => {
    const relay = createRelay()
    await relay(signed(page({ add: ['a', 'b', 'c'], task: 't1' })))
    await relay.settle()
    const restarted = createRelay() // forgets that it created the segment
    const response = await restarted(signed(page({ add: ['d'], remove: ['a', 'b'], task: 't2' })))
    await restarted.settle()
    expect(response.status).toBe(200)
    expect(ld.calls.map((call) => call.status)).toEqual([201, 204, 409, 204])
    expect(ld.calls[3]?.body).toEqual({ included: { add: ['d'], remove: ['a', 'b'] } })
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['c', 'd']))
  })

  it('acknowledges a page delivered twice without calling LaunchDarkly again', async () => {
    const relay = createRelay()
    const body = page({ add: ids(0, 1500), page: 1, pages: 3, task: 'task-7' })
    expect((await relay(signed(body))).status).toBe(200)
    await relay.settle()
    const callsAfterFirst = ld.calls.length
    const again = await relay(signed(body, NOW + 1000))
    await relay.settle()
    expect(again.status).toBe(200)
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true })
    expect(ld.calls).toHaveLength(callsAfterFirst)
    expect(ld.addsApplied).toBe(1500)
    // The same page number of another sync task is new work.
    expect((await relay(signed(page({ add: ['x'], page: 1, pages: 3, task: 'task-8' })))).status).toBe(200)
    await relay.settle()
    expect(results.map((result) => [result.taskId, result.added])).toEqual([
      ['task-7', 1500],
      ['task-8', 1],
    ])
  })

  it('waits Retry-After seconds on 429, or until X-Ratelimit-Reset', async () => {
    ld.script.push(
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 429, headers: { 'x-ratelimit-reset': String(NOW + 1250) } },
    )
    const relay = createRelay()
    const response = await relay(signed(page({ add: ['u1'] })))
    await relay.settle()
    expect(response.status).toBe(200)
    expect(sleeps).toEqual([3000, 1250])
    expect(ld.calls.map((call) => call.status)).toEqual([429, 429, 201, 204])
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['u1']))
  })

  it('a Retry-After longer than the page’s deadline is waited out by the queue before LaunchDarkly is asked again; past 60 s the page is reported', async () => {
    const queueSleeps: number[] = []
    const queueSleep = async (ms: number) => {
      queueSleeps.push(ms)
    }
    ld.script.push({ status: 429, headers: { 'retry-after': '40' } }) // more than the page's 25 s
    const relay = createRelay({ sleep: queueSleep })
    expect((await relay(signed(page({ add: ['u1'] })))).status).toBe(200)
    await relay.settle()
    expect(queueSleeps).toEqual([40_000])
    expect(sleeps).toEqual([])
    expect(ld.calls.map((call) => call.status)).toEqual([429, 201, 204])
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['u1']))
    expect(errors).toEqual([])

    // Longer than the longest wait (60 s): reported at once, LaunchDarkly is not asked early.
    ld.script.push({ status: 429, headers: { 'retry-after': '61' } })
    expect((await relay(signed(page({ add: ['u2'], task: 'task-2' }), NOW + 1))).status).toBe(200)
    await relay.settle()
    expect(queueSleeps).toEqual([40_000])
    expect(ld.calls.map((call) => call.status)).toEqual([429, 201, 204, 429])
    expect(errors).toMatchObject([{ code: 'LAUNCHDARKLY_RATE_LIMITED', retryAfterMs: 61_000 }])
  })

  it('retries 5xx with backoff; a page still failing after the bounded retries is reported, or retried by the queue', async () => {
    ld.script.push({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 })
    const once = createRelay({ maxJobAttempts: 1 })
    const body = page({ add: ['u1', 'u2'] })
    expect((await once(signed(body))).status).toBe(200)
    await once.settle()
    expect(errors.map((error) => (error as { code: string }).code)).toEqual(['LAUNCHDARKLY_UNAVAILABLE'])
    expect(ld.calls).toHaveLength(4) // 1 attempt + maxRetries 3
    expect(sleeps).toHaveLength(3)
    expect(sleeps.every((ms) => ms >= 0 && ms <= 2000)).toBe(true)
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set())

    // With the default 3 runs per page, the queue tries again and the page lands.
    ld.script.push({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 })
    const retrying = createRelay()
    expect((await retrying(signed(page({ add: ['u1', 'u2'], task: 'task-2' })))).status).toBe(200)
    await retrying.settle()
    expect(ld.calls.slice(4).map((call) => call.status)).toEqual([500, 502, 503, 504, 201, 204])
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['u1', 'u2']))
    expect(errors).toHaveLength(1)
  })

  it('fails at once with a typed error on 401 and 400 (no retries)', async () => {
    const unauthorized = createRelay({
      launchDarkly: {
        accessToken: 'wrong',
        projectKey: 'web',
        environmentKey: 'production',
        baseUrl: ld.url,
        sleep: async () => {},
      },
    })
    expect((await unauthorized(signed(page({ add: ['u1'] })))).status).toBe(200)
    await unauthorized.settle()
    expect(errors.map((error) => (error as { code: string }).code)).toEqual(['LAUNCHDARKLY_UNAUTHORIZED'])
    expect(ld.calls).toHaveLength(1)

    ld.script.push({ status: 400, body: { code: 'invalid_request', message: 'bad key' } })
    const relay = createRelay()
    expect((await relay(signed(page({ add: ['u1'] })))).status).toBe(200)
    await relay.settle()
    expect(errors[1]).toMatchObject({ code: 'LAUNCHDARKLY_BAD_REQUEST' })
    expect((errors[1] as Error).message).toContain('bad key')
    expect(ld.calls).toHaveLength(2)
  })

  it('recreates a segment deleted behind its back (404 on update) and retries once', async () => {
    const relay = createRelay()
    await relay(signed(page({ add: ['a'], task: 't1' })))
    await relay.settle()
    ld.segments.clear()
    const response = await relay(signed(page({ add: ['b'], task: 't2' })))
    await relay.settle()
    expect(response.status).toBe(200)
    expect(ld.calls.map((call) => `${call.method} ${call.status}`)).toEqual([
      'POST 201',
      'POST 204',
      'POST 404',
      'POST 201',
      'POST 204',
    ])
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['b']))
  })

  it('drain: removes the listed users; with drain "delete-segment" also deletes the segment after the last page', async () => {
    const relay = createRelay()
    await relay(signed(page({ add: ['a', 'b', 'c'], task: 'sync' })))
    const drained = await relay(
      signed(page({ action: 'segment.users.drain', remove: ['a', 'b'], add: ['ignored'], task: 'drain' })),
    )
    await relay.settle()
    expect(drained.status).toBe(200)
    expect(ld.members('web', 'production', 'heap-4242')).toEqual(new Set(['c']))
    expect(ld.segments.has('web/production/heap-4242')).toBe(true)

    const deleting = createRelay({ drain: 'delete-segment' })
    await deleting(
      signed(page({ action: 'segment.users.drain', remove: ['c'], page: 1, pages: 2, task: 'd2' })),
    )
    await deleting.settle()
    expect(results.at(-1)).toMatchObject({ deleted: false })
    expect(ld.segments.has('web/production/heap-4242')).toBe(true)
    await deleting(signed(page({ action: 'segment.users.drain', page: 2, pages: 2, task: 'd2' })))
    await deleting.settle()
    expect(results.at(-1)).toMatchObject({ deleted: true })
    expect(ld.segments.has('web/production/heap-4242')).toBe(false)
  })

  it('refuses bad signatures (401) and malformed bodies (400) without calling LaunchDarkly', async () => {
    const relay = createRelay()
    const body = page({ add: ['u1'] })
    expect((await relay({ headers: {}, body })).status).toBe(401)
    expect((await relay(signed(body, NOW, 'wrong'))).status).toBe(401)
    expect((await relay(signed(body, NOW - 600_000))).status).toBe(401)
    expect((await relay(signed('{oops'))).status).toBe(400)
    expect((await relay(signed(JSON.stringify({ action_type: 'segment.deleted', data: {} })))).status).toBe(
      400,
    )
    expect(
      (await relay(signed(JSON.stringify({ action_type: 'segment.users.sync', data: { segment: {} } }))))
        .status,
    ).toBe(400)
    expect(
      (
        await relay(
          signed(
            JSON.stringify({ action_type: 'segment.users.sync', data: { segment: { id: 1 }, add: [{}] } }),
          ),
        )
      ).status,
    ).toBe(400)
    await relay.settle()
    expect(ld.calls).toHaveLength(0)
    expect(errors).toHaveLength(7)
  })
})
