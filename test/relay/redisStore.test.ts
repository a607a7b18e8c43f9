// Case 5 of issue 14: several relay instances share a real redis-server (started here): a
// delivery is claimed once across them, a claim left by a crash expires, and with Redis down the
// webhook answers 503 and nothing is applied twice.
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  type HeapWebhookHandlerOptions,
  type RelayStore,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRedisRelayStore, type RedisRelayStore } from '../../packages/relay/src/redis/index'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { type RedisServer, startRedisServer } from './fakes/redisServer'
import { heapHash, signConfigCat } from './fakes/sign'
import { until } from './fakes/until'

const SECRET = 'heap-secret'
const TOKEN = 'ld-token'
const NOW = 1_750_000_000_000

let redis: RedisServer
let ld: FakeLaunchDarkly
let segment: FakeSegment
let stores: RedisRelayStore[]
let configCats: ConfigCatWebhookHandler[]
let errors: unknown[]
let prefix = 0

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis?.stop())
beforeEach(async () => {
  ld = await startFakeLaunchDarkly(TOKEN)
  segment = await startFakeSegment('write-key')
  stores = []
  configCats = []
  errors = []
  prefix++
})
afterEach(async () => {
  await Promise.all(configCats.map((handler) => handler.close()))
  await Promise.all(stores.map((store) => store.close()))
  await Promise.all([ld.close(), segment.close()])
})

/** One instance's connection to the shared Redis; each test has its own key prefix. */
async function connectStore(url = redis.url): Promise<RedisRelayStore> {
  const store = createRedisRelayStore({
    url,
    keyPrefix: `test-${prefix}:`,
    onError: () => {}, // reconnect noise while Redis is down
  })
  stores.push(store)
  await store.connect()
  return store
}

function heapInstance(store: RelayStore, overrides: Partial<HeapWebhookHandlerOptions> = {}) {
  const heap = createHeapWebhookHandler({
    secret: SECRET,
    launchDarkly: {
      accessToken: TOKEN,
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      sleep: async () => {},
    },
    store,
    now: () => NOW,
    sleep: async () => {},
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return Object.assign(toRelayHandler(heap), { settle: () => heap.idle() })
}

const page = (task: string, add: string[], pageNumber = 1, pages = 1) =>
  JSON.stringify({
    action_type: 'segment.users.sync',
    data: {
      segment: { id: 5, name: 'Beta' },
      sync_info: { page_number: pageNumber, total_pages: pages, sync_task_id: task },
      add: add.map((id) => ({ id })),
    },
  })
const signed = (body: string, ts = NOW) => ({ headers: { 'heap-hash': heapHash(SECRET, ts, body) }, body })
const callList = () =>
  ld.calls.map(
    (call) => `${call.method} ${call.path.replace('/api/v2/segments/web/production', '')} ${call.status}`,
  )

describe('several instances sharing Redis', () => {
  it('the same Heap page delivered to two instances at once is applied once', async () => {
    const [a, b] = [heapInstance(await connectStore()), heapInstance(await connectStore())]
    const body = page('t1', ['u1', 'u2'])
    const answers = await Promise.all([a(signed(body)), b(signed(body, NOW + 1))])
    await Promise.all([a.settle(), b.settle()])
    // One instance queues the page; the other finds it queued (duplicate) or still being claimed (503).
    const outcome = (answer: { status: number; body: string }) =>
      answer.status !== 200 ? String(answer.status) : JSON.parse(answer.body).queued ? 'queued' : 'duplicate'
    const outcomes = answers.map(outcome).sort()
    expect(outcomes[1]).toBe('queued')
    expect(['503', 'duplicate']).toContain(outcomes[0])
    expect(callList()).toEqual(['POST  201', 'POST /heap-5/contexts 204'])
    expect(ld.members('web', 'production', 'heap-5')).toEqual(new Set(['u1', 'u2']))
  })

  it('a ConfigCat change delivered to two instances at once, then retried by ConfigCat to a third, reaches Segment once', async () => {
    const body = CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
      name === 'ChangeDetails'
        ? '[{"settingKey":"f","event":"changed","details":"f: off ➔ on"}]'
        : `${name}-x`,
    )
    const delivery = (id: string) => ({
      headers: {
        'x-configcat-webhook-id': id,
        'x-configcat-webhook-timestamp': String(NOW / 1000),
        'x-configcat-webhook-signature-v1': signConfigCat('key', id, NOW / 1000, body),
      },
      body,
    })
    const instance = async () => {
      const handler = createConfigCatWebhookHandler({
        signingKeys: ['key'],
        segment: { writeKey: 'write-key', host: segment.url, sleep: async () => {} },
        store: await connectStore(),
        now: () => NOW,
        onError: (error) => errors.push(error),
      })
      configCats.push(handler)
      return toRelayHandler(handler)
    }
    const [a, b, c] = [await instance(), await instance(), await instance()]
    const concurrent = await Promise.all([a(delivery('id-1')), b(delivery('id-1'))])
    expect(concurrent.map((answer) => answer.status).sort()).toContainEqual(200)
    const retried = await c(delivery('id-2'))
    expect(retried.status).toBe(200)
    expect(JSON.parse(retried.body)).toMatchObject({ duplicate: true })
    expect(segment.requests).toHaveLength(1)
  })

  it('a claim left by an instance that died while acknowledging expires; then the page is taken, once', async () => {
    let enqueued = false
    const dying = heapInstance(await connectStore(), {
      claimTtlMs: 1500,
      // The instance dies after claiming the page: its enqueue never returns.
      queue: {
        enqueue: () => {
          enqueued = true
          return new Promise(() => {})
        },
      },
    })
    const survivor = heapInstance(await connectStore(), { claimTtlMs: 1500 })
    const body = page('t1', ['u1'])
    void dying(signed(body))
    await until(() => enqueued, 'the dying instance to claim the page')

    const meanwhile = await survivor(signed(body, NOW + 1))
    expect(meanwhile.status).toBe(503)
    expect(JSON.parse(meanwhile.body).error.code).toBe('DELIVERY_IN_PROGRESS')

    // Heap keeps retrying; once the claim expired, the survivor takes the page.
    let retried = meanwhile
    await until(async () => {
      retried = await survivor(signed(body, NOW + 2))
      return retried.status === 200
    }, 'the claim to expire')
    await survivor.settle()
    expect(JSON.parse(retried.body)).toMatchObject({ queued: true })
    expect(callList()).toEqual(['POST  201', 'POST /heap-5/contexts 204'])
  })

  it('with Redis frozen the webhook answers 503 within the command timeout and applies nothing; after it is back, the retry is applied once', async () => {
    const relay = heapInstance(await connectStore(), { claimTtlMs: 300 })
    await relay(signed(page('t1', ['u1'], 1, 2)))
    await relay.settle()

    redis.pause()
    let down: Response | { status: number; body: string }
    try {
      down = await relay(signed(page('t1', ['u2'], 2, 2)))
    } finally {
      redis.resume()
    }
    expect(down.status).toBe(503)
    expect(JSON.parse(down.body).error.code).toBe('STORE_UNAVAILABLE')
    expect(callList()).toEqual(['POST  201', 'POST /heap-5/contexts 204'])

    // Heap's retries: the claim a late command may have left expires, then the page is taken.
    await until(
      async () => (await relay(signed(page('t1', ['u2'], 2, 2), NOW + 1000))).status === 200,
      'the retry to be accepted',
    )
    const replay = await relay(signed(page('t1', ['u1'], 1, 2), NOW + 2000))
    await relay.settle()
    expect(JSON.parse(replay.body)).toMatchObject({ duplicate: true })
    expect(callList()).toEqual(['POST  201', 'POST /heap-5/contexts 204', 'POST /heap-5/contexts 204'])
    expect(ld.addsApplied).toBe(2)
  })

  it('Redis restarted while acknowledged pages wait in the in-process queue: every page is still applied, once', async () => {
    const restarted = await startRedisServer()
    try {
      const relay = heapInstance(await connectStore(restarted.url))
      const release = ld.hold() // page 1 is being applied while pages 2 and 3 wait in the queue
      const answers = []
      for (const [number, user] of ['u1', 'u2', 'u3'].entries()) {
        answers.push(await relay(signed(page('t1', [user], number + 1, 3))))
      }
      expect(answers.map((answer) => JSON.parse(answer.body))).toEqual([
        { ok: true, segmentKey: 'heap-5', queued: true },
        { ok: true, segmentKey: 'heap-5', queued: true },
        { ok: true, segmentKey: 'heap-5', queued: true },
      ])

      // Redis goes away with pages 2 and 3 acknowledged to Heap (which will not send them again),
      // and comes back once LaunchDarkly has taken page 1.
      await restarted.kill()
      release()
      await until(() => ld.calls.length === 2, 'page 1 to reach LaunchDarkly')
      await restarted.restart()
      await relay.settle()

      expect(errors).toEqual([])
      expect(callList()).toEqual([
        'POST  201',
        'POST /heap-5/contexts 204',
        'POST /heap-5/contexts 204',
        'POST /heap-5/contexts 204',
      ])
      expect([...ld.members('web', 'production', 'heap-5')]).toEqual(['u1', 'u2', 'u3'])
    } finally {
      await restarted.stop()
    }
  })

  it('with Redis gone (connection refused) both webhooks answer 503 at once and nothing is sent', async () => {
    const doomed = await startRedisServer()
    try {
      const store = await connectStore(doomed.url)
      const heap = heapInstance(store)
      const configCat = createConfigCatWebhookHandler({
        signingKeys: ['key'],
        segment: { writeKey: 'write-key', host: segment.url },
        store,
        now: () => NOW,
        onError: (error) => errors.push(error),
      })
      configCats.push(configCat)
      await doomed.kill()

      const heapAnswer = await heap(signed(page('t1', ['u1'])))
      const body = CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
        name === 'ChangeDetails' ? '[]' : `${name}-y`,
      )
      const configCatAnswer = await toRelayHandler(configCat)({
        headers: {
          'x-configcat-webhook-id': 'id',
          'x-configcat-webhook-timestamp': String(NOW / 1000),
          'x-configcat-webhook-signature-v1': signConfigCat('key', 'id', NOW / 1000, body),
        },
        body,
      })
      await heap.settle()
      expect([heapAnswer.status, configCatAnswer.status]).toEqual([503, 503])
      expect(errors.map((error) => (error as { code: string }).code)).toEqual([
        'STORE_UNAVAILABLE',
        'STORE_UNAVAILABLE',
      ])
      expect(ld.calls).toEqual([])
      expect(segment.requests).toEqual([])
    } finally {
      await doomed.stop()
    }
  })
})
