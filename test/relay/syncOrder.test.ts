// Cases 3 and 4 of issue 14: an older Heap page never undoes a newer sync, whether it is a
// replay to another instance, a late retry, or a drain's pages arriving out of order.
import {
  createHeapWebhookHandler,
  createMemoryRelayStore,
  type HeapWebhookHandlerOptions,
  type RelayStore,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { heapHash } from './fakes/sign'
import { until } from './fakes/until'

const SECRET = 'heap-secret'
const TOKEN = 'ld-token'
const T0 = 1_750_000_000_000
const MINUTE = 60_000

let ld: FakeLaunchDarkly
let errors: unknown[]

beforeEach(async () => {
  ld = await startFakeLaunchDarkly(TOKEN)
  errors = []
})
afterEach(() => ld.close())

/** An instance of the relay; instances given the same store share it, as behind a load balancer. */
function createInstance(store: RelayStore, overrides: Partial<HeapWebhookHandlerOptions> = {}) {
  const heap = createHeapWebhookHandler({
    secret: SECRET,
    launchDarkly: {
      accessToken: TOKEN,
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      maxRetries: 3,
      sleep: async () => {},
    },
    store,
    // The relay's clock: 2 minutes after T0, so pages signed between T0 and now are all fresh.
    now: () => T0 + 2 * MINUTE,
    sleep: async () => {},
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return Object.assign(toRelayHandler(heap), { settle: () => heap.idle(), consume: heap.consume })
}

function page(options: {
  task: string
  add?: string[]
  remove?: string[]
  page?: number
  pages?: number
  action?: 'segment.users.sync' | 'segment.users.drain'
}) {
  return JSON.stringify({
    action_type: options.action ?? 'segment.users.sync',
    data: {
      segment: { id: 9, name: 'Trial' },
      sync_info: {
        page_number: options.page ?? 1,
        total_pages: options.pages ?? 1,
        sync_task_id: options.task,
      },
      add: (options.add ?? []).map((id) => ({ id })),
      remove: (options.remove ?? []).map((id) => ({ id })),
    },
  })
}
const signed = (body: string, ts: number) => ({ headers: { 'heap-hash': heapHash(SECRET, ts, body) }, body })
const members = () => ld.members('web', 'production', 'heap-9')
const callList = () =>
  ld.calls.map(
    (call) => `${call.method} ${call.path.replace('/api/v2/segments/web/production', '')} ${call.status}`,
  )
const codes = () => errors.map((error) => (error as { code: string }).code)

describe('an older sync never undoes a newer one', () => {
  it('a replay of t1 to a second instance within the 300 s window does not bring back a user t2 removed', async () => {
    const store = createMemoryRelayStore()
    const first = createInstance(store)
    const second = createInstance(store)
    const t1 = signed(page({ task: 't1', add: ['victim', 'keeper'] }), T0)
    await first(t1)
    await first(signed(page({ task: 't2', remove: ['victim'] }), T0 + MINUTE))
    await first.settle()
    expect(members()).toEqual(new Set(['keeper']))

    const replay = await second(t1) // the captured request, header and all, 2 minutes later
    await second.settle()
    expect(replay.status).toBe(200)
    expect(members()).toEqual(new Set(['keeper']))
    expect(callList()).toEqual(['POST  201', 'POST /heap-9/contexts 204', 'POST /heap-9/contexts 204'])
  })

  it('a page of an older sync arriving after a newer sync was applied is skipped, on the same instance', async () => {
    const relay = createInstance(createMemoryRelayStore())
    await relay(signed(page({ task: 't1', add: ['a'], page: 1, pages: 2 }), T0))
    await relay(signed(page({ task: 't2', remove: ['victim'] }), T0 + MINUTE))
    await relay.settle()
    // t1's second page, held up somewhere, arrives last.
    const late = await relay(signed(page({ task: 't1', add: ['victim'], page: 2, pages: 2 }), T0 + 90_000))
    await relay.settle()
    expect(JSON.parse(late.body)).toEqual({ ok: true, segmentKey: 'heap-9', skipped: 'out-of-order' })
    expect(members()).toEqual(new Set(['a']))
    expect(codes()).toEqual(['SYNC_OUT_OF_ORDER'])
  })

  it('the queue’s retry of a page that failed while a newer sync was queued is skipped once that sync is applied', async () => {
    const relay = createInstance(createMemoryRelayStore())
    const release = ld.hold()
    await relay(signed(page({ task: 't1', add: ['victim'] }), T0))
    await until(() => ld.received === 1, 't1 to reach LaunchDarkly')
    await relay(signed(page({ task: 't2', remove: ['victim'] }), T0 + MINUTE))
    // LaunchDarkly fails t1's create and its 3 retries; t2 is already queued behind t1.
    ld.script.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 })
    release()
    await relay.settle()
    expect(callList()).toEqual([
      'POST  503',
      'POST  503',
      'POST  503',
      'POST  503',
      'POST  201',
      'POST /heap-9/contexts 204',
    ])
    expect(members()).toEqual(new Set())
    expect(codes()).toEqual(['SYNC_OUT_OF_ORDER'])
  })

  it('a Heap retry of a page refused while the queue was down, arriving after a newer sync, is skipped', async () => {
    let down = true
    const store = createMemoryRelayStore()
    const applied = createInstance(store)
    const relay = createInstance(store, {
      queue: {
        enqueue: async (job) => {
          if (down) throw new Error('queue down')
          await applied.consume(job)
        },
      },
    })
    expect((await relay(signed(page({ task: 't1', add: ['victim'] }), T0))).status).toBe(503)
    down = false
    await relay(signed(page({ task: 't2', remove: ['victim'] }), T0 + MINUTE))
    const retry = await relay(signed(page({ task: 't1', add: ['victim'] }), T0 + 2 * MINUTE))
    expect(JSON.parse(retry.body)).toMatchObject({ skipped: 'out-of-order' })
    expect(members()).toEqual(new Set())
  })
})

describe('drain with "delete-segment" and pages out of order', () => {
  it('deletes the segment once every page is in, and never creates it again for a late page', async () => {
    const relay = createInstance(createMemoryRelayStore(), { drain: 'delete-segment' })
    await relay(signed(page({ task: 'sync', add: ['a', 'b'], page: 1, pages: 2 }), T0))
    await relay.settle()
    // The drain's page 2 of 2 arrives before its page 1.
    const drain = (n: number, remove: string[], ts: number) =>
      signed(page({ action: 'segment.users.drain', task: 'drain', page: n, pages: 2, remove }), ts)
    await relay(drain(2, ['b'], T0 + MINUTE))
    await relay.settle()
    expect(ld.segments.has('web/production/heap-9')).toBe(true)
    await relay(drain(1, ['a'], T0 + MINUTE + 1))
    await relay.settle()
    expect(ld.segments.has('web/production/heap-9')).toBe(false)

    // The sync's own page 2, retried late, must not bring the deleted segment back.
    const late = await relay(signed(page({ task: 'sync', add: ['c'], page: 2, pages: 2 }), T0 + 90_000))
    await relay.settle()
    expect(JSON.parse(late.body)).toMatchObject({ skipped: 'out-of-order' })
    expect(ld.segments.has('web/production/heap-9')).toBe(false)
    expect(callList()).toEqual([
      'POST  201',
      'POST /heap-9/contexts 204',
      'POST /heap-9/contexts 204',
      'POST /heap-9/contexts 204',
      'DELETE /heap-9 204',
    ])
  })
})
