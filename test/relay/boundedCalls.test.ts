// Case 1 of issue 14: every outbound call has a timeout, and the retries of one webhook (or one
// queued page) stay within a budget, so a hung partner never holds a request.
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { type Listening, listen } from './fakes/listen'
import { heapHash, signConfigCat } from './fakes/sign'

const NOW_S = 1_750_000_000
const now = () => NOW_S * 1000

let segment: FakeSegment
let ld: FakeLaunchDarkly
let hung: Listening
let configCat: ConfigCatWebhookHandler | undefined
let errors: unknown[]
let sleeps: number[]

beforeEach(async () => {
  segment = await startFakeSegment('write-key')
  ld = await startFakeLaunchDarkly('ld-token')
  // A partner that accepts the connection and never answers.
  hung = await listen(() => {})
  errors = []
  sleeps = []
})
afterEach(async () => {
  await configCat?.close()
  configCat = undefined
  await Promise.all([segment.close(), ld.close(), hung.close()])
})

const changeBody = (notes: string) =>
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
    name === 'ChangeDetails'
      ? JSON.stringify([
          { settingKey: 'newCheckout', event: 'changed', details: 'newCheckout: false ➔ true' },
        ])
      : name === 'ChangeNotes'
        ? notes
        : `${name}-1`,
  )

function configCatDelivery(text: string, id: string) {
  return {
    headers: {
      'x-configcat-webhook-id': id,
      'x-configcat-webhook-timestamp': String(NOW_S),
      'x-configcat-webhook-signature-v1': signConfigCat('signing-key', id, NOW_S, text),
    },
    body: text,
  }
}

function createConfigCat(overrides: Record<string, unknown> = {}) {
  configCat = createConfigCatWebhookHandler({
    signingKeys: ['signing-key'],
    segment: {
      writeKey: 'write-key',
      host: segment.url,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    },
    now,
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return toRelayHandler(configCat)
}

/** A Heap handler whose queue runs each page once, so its failure is reported at once. */
function createHeap(
  launchDarkly: { requestTimeoutMs?: number; maxRetries?: number; fetch?: typeof fetch } = {},
) {
  return createHeapWebhookHandler({
    secret: 'heap-secret',
    launchDarkly: {
      accessToken: 'ld-token',
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      ...launchDarkly,
    },
    maxJobAttempts: 1,
    now,
    onError: (error) => errors.push(error),
  })
}

/** Sends one signed Heap page and waits until the queue is done with it. */
async function sendHeapPage(heap: ReturnType<typeof createHeap>) {
  const body = heapPage('task-1')
  const response = await toRelayHandler(heap)({
    headers: { 'heap-hash': heapHash('heap-secret', now(), body) },
    body,
  })
  await heap.idle()
  return response
}

/** `fetch`, counting the requests the relay makes (a request it abandons may never reach the server). */
function countingFetch() {
  const counter = {
    count: 0,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      counter.count++
      return fetch(input, init)
    }) as typeof fetch,
  }
  return counter
}

const heapPage = (task: string) =>
  JSON.stringify({
    action_type: 'segment.users.sync',
    data: {
      segment: { id: 7, name: 'Beta' },
      sync_info: { page_number: 1, total_pages: 1, sync_task_id: task },
      add: [{ id: 'u1' }],
    },
  })

describe('bounded outbound calls', () => {
  it('a ConfigCat product lookup that never answers gives up after its timeout: the change is still sent, and the next webhook asks again', async () => {
    const lookups = countingFetch()
    const relay = createConfigCat({
      configCatPublicApi: {
        username: 'user',
        password: 'pass',
        baseUrl: hung.url,
        timeoutMs: 50,
        fetch: lookups.fetch,
      },
    })
    const first = await relay(configCatDelivery(changeBody('one'), 'webhook-1'))
    const second = await relay(configCatDelivery(changeBody('two'), 'webhook-2'))
    expect([first.status, second.status]).toEqual([200, 200])
    expect([...segment.accepted.values()].map((event) => event.properties)).toMatchObject([
      { product_id: null, product_name: null },
      { product_id: null, product_name: null },
    ])
    // The timed-out lookup was not cached: each webhook asked (and gave up) on its own.
    expect(lookups.count).toBe(2)
    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      'CONFIGCAT_API_ERROR',
      'CONFIGCAT_API_ERROR',
    ])
    expect((errors[0] as Error).message).toContain('no answer within 50 ms')
  })

  it('a LaunchDarkly request that never answers times out, is retried a bounded number of times, and the page is reported', async () => {
    ld.hold() // never released: LaunchDarkly accepts connections and never answers
    const attempts = countingFetch()
    const response = await sendHeapPage(
      createHeap({ requestTimeoutMs: 50, maxRetries: 2, fetch: attempts.fetch }),
    )
    expect(response.status).toBe(200)
    expect(attempts.count).toBe(3) // the first attempt and 2 retries, each abandoned after 50 ms
    expect(sleeps).toHaveLength(2)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'LAUNCHDARKLY_UNAVAILABLE' })
    expect((errors[0] as Error).message).toContain('no answer within 50 ms')
  })

  it('a Segment Retry-After longer than the wait the webhook can afford is not waited for: 503 at once', async () => {
    segment.script.push({ status: 429, headers: { 'retry-after': '3600' } })
    const relay = createConfigCat()
    const response = await relay(configCatDelivery(changeBody('one'), 'webhook-1'))
    expect(response.status).toBe(503)
    expect(JSON.parse(response.body).error.code).toBe('SEGMENT_UNAVAILABLE')
    expect(sleeps).toEqual([])
    expect(segment.requests).toHaveLength(1)
  })

  it('a LaunchDarkly Retry-After beyond the longest wait fails the page without waiting', async () => {
    ld.script.push({ status: 429, headers: { 'retry-after': '3600' } })
    await sendHeapPage(createHeap())
    expect(sleeps).toEqual([])
    expect(ld.calls.map((call) => call.status)).toEqual([429])
    expect(errors).toMatchObject([{ code: 'LAUNCHDARKLY_RATE_LIMITED' }])
  })

  it("keeps one ConfigCat webhook's waits within deadlineMs, however often Segment fails", async () => {
    segment.script.push(...Array.from({ length: 10 }, () => ({ status: 500 })))
    const relay = createConfigCat({
      deadlineMs: 600,
      segment: {
        writeKey: 'write-key',
        host: segment.url,
        maxAttempts: 10,
        sleep: async (ms: number) => {
          sleeps.push(ms)
        },
      },
    })
    const response = await relay(configCatDelivery(changeBody('one'), 'webhook-1'))
    expect(response.status).toBe(503)
    expect(sleeps.reduce((total, ms) => total + ms, 0)).toBeLessThan(600)
    expect(segment.requests.length).toBe(sleeps.length + 1)
  })
})
