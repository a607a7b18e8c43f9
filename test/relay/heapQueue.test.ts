// Case 2 of issue 14: the Heap webhook verifies, claims, enqueues and answers; LaunchDarkly is
// applied afterwards by a consumer, so a slow LaunchDarkly never has two copies of a page running.
import {
  createHeapWebhookHandler,
  createInProcessQueue,
  type HeapSyncJob,
  type HeapWebhookHandlerOptions,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { heapHash } from './fakes/sign'
import { until } from './fakes/until'

const SECRET = 'heap-secret'
const TOKEN = 'ld-token'
const NOW = 1_750_000_000_000

let ld: FakeLaunchDarkly
let errors: unknown[]

beforeEach(async () => {
  ld = await startFakeLaunchDarkly(TOKEN)
  errors = []
})
afterEach(() => ld.close())

function createHandler(overrides: Partial<HeapWebhookHandlerOptions> = {}) {
  return createHeapWebhookHandler({
    secret: SECRET,
    launchDarkly: {
      accessToken: TOKEN,
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      sleep: async () => {},
    },
    now: () => NOW,
    sleep: async () => {},
    onError: (error) => errors.push(error),
    ...overrides,
  })
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => `user-${i}`)
const page = (add: string[], task = 'task-1') =>
  JSON.stringify({
    action_type: 'segment.users.sync',
    data: {
      segment: { id: 42, name: 'Power users' },
      sync_info: { page_number: 1, total_pages: 1, sync_task_id: task },
      add: add.map((id) => ({ id })),
    },
  })
const signed = (body: string, ts = NOW) => ({ headers: { 'heap-hash': heapHash(SECRET, ts, body) }, body })
const callList = () => ld.calls.map((call) => `${call.method} ${call.path} ${call.status}`)

describe('Heap webhook: acknowledge first, apply to LaunchDarkly afterwards', () => {
  it('answers while LaunchDarkly is still slow, and Heap’s retry of the page changes nothing: 1 create, 3 context calls', async () => {
    const release = ld.hold()
    const heap = createHandler()
    const relay = toRelayHandler(heap)
    const body = page(ids(3000))
    const first = await relay(signed(body))
    // Heap gave up waiting (or not): its retry of the same page, signed anew, arrives meanwhile.
    const retry = await relay(signed(body, NOW + 30_000))
    expect([first.status, retry.status]).toEqual([200, 200])
    expect(JSON.parse(first.body)).toEqual({ ok: true, segmentKey: 'heap-42', queued: true })
    expect(JSON.parse(retry.body)).toEqual({ ok: true, segmentKey: 'heap-42', duplicate: true })
    await until(() => ld.received === 1, 'the consumer to reach LaunchDarkly')
    expect(ld.calls).toEqual([]) // nothing answered yet: both answers came first

    release()
    await heap.idle()
    expect(callList()).toEqual([
      'POST /api/v2/segments/web/production 201',
      'POST /api/v2/segments/web/production/heap-42/contexts 204',
      'POST /api/v2/segments/web/production/heap-42/contexts 204',
      'POST /api/v2/segments/web/production/heap-42/contexts 204',
    ])
    expect(ld.addsApplied).toBe(3000)
    expect(errors).toEqual([])
  })

  it('hands the page to a queue of your own as plain JSON; the consumer applies it wherever it runs', async () => {
    const queued: string[] = []
    const heap = createHandler({ queue: { enqueue: async (job) => void queued.push(JSON.stringify(job)) } })
    const response = await toRelayHandler(heap)(signed(page(['a', 'b'])))
    expect(response.status).toBe(200)
    expect(ld.calls).toEqual([])
    const job = JSON.parse(queued[0] ?? '') as HeapSyncJob
    expect(job).toEqual({
      action: 'sync',
      segmentKey: 'heap-42',
      segmentName: 'Heap: Power users',
      task: { id: 'task-1', order: NOW, page: 1, totalPages: 1 },
      add: ['a', 'b'],
      remove: [],
    })

    // The worker of that queue, e.g. another process.
    expect(await heap.consume(job)).toEqual({
      segmentKey: 'heap-42',
      taskId: 'task-1',
      page: 1,
      requests: 1,
      added: 2,
      removed: 0,
      deleted: false,
    })
    expect(ld.members('web', 'production', 'heap-42')).toEqual(new Set(['a', 'b']))
  })

  it('answers 503 and forgets the claim when the queue refuses the page, so Heap’s retry is taken', async () => {
    let refuse = true
    const jobs: HeapSyncJob[] = []
    const heap = createHandler({
      queue: {
        enqueue: async (job) => {
          if (refuse) throw new Error('queue down')
          jobs.push(job)
        },
      },
    })
    const relay = toRelayHandler(heap)
    const refused = await relay(signed(page(['a'])))
    expect(refused.status).toBe(503)
    expect(JSON.parse(refused.body).error.code).toBe('QUEUE_UNAVAILABLE')
    refuse = false
    const retried = await relay(signed(page(['a']), NOW + 1000))
    expect(retried.status).toBe(200)
    expect(jobs).toHaveLength(1)
  })

  it('registers the pending work with the platform’s waitUntil', async () => {
    const heap = createHandler()
    const kept: Array<Promise<unknown>> = []
    const { body, headers } = signed(page(['a']))
    const response = await heap(
      new Request('https://relay.example/webhooks/heap', { method: 'POST', headers, body }),
      {
        waitUntil: (promise) => kept.push(promise),
      },
    )
    expect(response.status).toBe(200)
    expect(kept).toHaveLength(1)
    await kept[0]
    expect(ld.members('web', 'production', 'heap-42')).toEqual(new Set(['a']))
  })
})

describe('createInProcessQueue', () => {
  it('runs jobs one at a time in order, retries a retryable failure behind newer jobs, and reports the rest', async () => {
    const ran: string[] = []
    const failed: string[] = []
    let flaky = 1
    const queue = createInProcessQueue<string>(
      async (job) => {
        ran.push(job)
        if (job === 'flaky' && flaky-- > 0) throw Object.assign(new Error('busy'), { retry: true })
        if (job === 'broken') throw new Error('broken')
      },
      {
        retryable: (error) => (error as { retry?: boolean }).retry === true,
        onError: (_, job) => failed.push(job),
        sleep: async () => {},
      },
    )
    // Enqueued together, as concurrent webhooks would.
    await Promise.all([queue.enqueue('flaky'), queue.enqueue('broken'), queue.enqueue('last')])
    await queue.idle()
    expect(ran).toEqual(['flaky', 'broken', 'last', 'flaky'])
    expect(failed).toEqual(['broken'])
    expect(queue.size).toBe(0)
  })

  it('bounds the Heap queue by the context keys it holds, not only by pages: a page past 1,000,000 queued keys gets 503', async () => {
    // A page under the 5 MB cap can hold 250,000 ids (about 10 MB once queued), so 1,000 queued
    // pages alone could hold gigabytes.
    const release = ld.hold()
    const heap = createHandler({ chunkSize: 250_000 })
    const relay = toRelayHandler(heap)
    const pageOf = (number: number) =>
      JSON.stringify({
        action_type: 'segment.users.sync',
        data: {
          segment: { id: 42, name: 'Power users' },
          sync_info: { page_number: number, total_pages: 5, sync_task_id: 'big' },
          add: Array.from({ length: 250_000 }, (_, i) => ({ id: `u${number}-${i}` })),
        },
      })
    const answers = []
    for (let number = 1; number <= 5; number++) answers.push(await relay(signed(pageOf(number))))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 503])
    expect(JSON.parse(answers[4]?.body ?? '').error.code).toBe('QUEUE_FULL')

    release()
    await heap.idle()
    expect(ld.addsApplied).toBe(1_000_000)
    // Heap's retry of the refused page, once the queue has room, is taken.
    expect((await relay(signed(pageOf(5), NOW + 1000))).status).toBe(200)
    await heap.idle()
    expect(ld.addsApplied).toBe(1_250_000)
    expect(errors.map((error) => (error as { code: string }).code)).toEqual(['QUEUE_FULL'])
  }, 30_000)

  it('gives a job’s weight back once it is done, applied or failed for good, and keeps it while it runs or waits for a retry', async () => {
    const ran: string[] = []
    let wake = () => {}
    let finish = () => {}
    const queue = createInProcessQueue<{ name: string; keys: number }>(
      async (job) => {
        ran.push(job.name)
        if (job.name === 'broken') throw new Error('broken')
        if (job.name === 'flaky' && !ran.includes('slow'))
          throw Object.assign(new Error('busy'), { retry: true })
        if (job.name === 'slow') await new Promise<void>((resolve) => (finish = resolve))
      },
      {
        weigh: (job) => job.keys,
        maxWeight: 10,
        retryable: (error) => (error as { retry?: boolean }).retry === true,
        sleep: () => new Promise<void>((resolve) => (wake = resolve)),
      },
    )
    await queue.enqueue({ name: 'broken', keys: 4 }) // fails for good
    await queue.idle()
    await queue.enqueue({ name: 'done', keys: 4 }) // applied
    await queue.idle()
    await queue.enqueue({ name: 'flaky', keys: 6 })
    await until(() => ran.length === 3, 'the first run of "flaky" to fail')
    await queue.enqueue({ name: 'slow', keys: 4 }) // 6 waiting for a retry + 4 = 10: fits
    await until(() => ran.length === 4, '"slow" to run')
    await expect(queue.enqueue({ name: 'too much', keys: 1 })).rejects.toMatchObject({ code: 'QUEUE_FULL' })
    finish()
    wake()
    await queue.idle()
    expect(ran).toEqual(['broken', 'done', 'flaky', 'slow', 'flaky'])
    expect(queue.size).toBe(0)
  })

  it('refuses jobs past maxSize with QUEUE_FULL, which the Heap handler answers with 503', async () => {
    const release = ld.hold()
    const heap = createHandler({ queue: createInProcessQueue(() => new Promise(() => {}), { maxSize: 1 }) })
    const relay = toRelayHandler(heap)
    expect((await relay(signed(page(['a'], 't1')))).status).toBe(200)
    const full = await relay(signed(page(['b'], 't2')))
    expect(full.status).toBe(503)
    expect(JSON.parse(full.body).error.code).toBe('QUEUE_FULL')
    release()
  })
})
