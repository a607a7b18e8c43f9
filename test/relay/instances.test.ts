// Case 6 of issue 14: per-instance state behind a load balancer. What correctness depends on
// (claims, the last sync per segment) is shared through the store; what stays per instance
// (which segments exist, product names, in-flight attempts) is a cache that is safe to lose.
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  createMemoryRelayStore,
  type RelayStore,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeLaunchDarkly, startFakeLaunchDarkly } from './fakes/fakeLaunchDarkly'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { type Listening, listen, send } from './fakes/listen'
import { heapHash, signConfigCat } from './fakes/sign'

const NOW = 1_750_000_000_000
const MINUTE = 60_000

let ld: FakeLaunchDarkly
let segment: FakeSegment
let configCatApi: Listening
let lookups: number
let handlers: ConfigCatWebhookHandler[]

beforeEach(async () => {
  ld = await startFakeLaunchDarkly('ld-token')
  segment = await startFakeSegment('write-key')
  lookups = 0
  configCatApi = await listen((_, res) => {
    lookups++
    send(res, 200, { product: { productId: 'p1', name: 'Shop' } })
  })
  handlers = []
})
afterEach(async () => {
  await Promise.all(handlers.map((handler) => handler.close()))
  await Promise.all([ld.close(), segment.close(), configCatApi.close()])
})

function configCatInstance(store: RelayStore) {
  const handler = createConfigCatWebhookHandler({
    signingKeys: ['key'],
    segment: { writeKey: 'write-key', host: segment.url, sleep: async () => {} },
    configCatPublicApi: { username: 'u', password: 'p', baseUrl: configCatApi.url },
    store,
    now: () => NOW,
    onError: () => {},
  })
  handlers.push(handler)
  return toRelayHandler(handler)
}

function heapInstance(store: RelayStore) {
  const heap = createHeapWebhookHandler({
    secret: 'heap-secret',
    launchDarkly: {
      accessToken: 'ld-token',
      projectKey: 'web',
      environmentKey: 'production',
      baseUrl: ld.url,
    },
    drain: 'delete-segment',
    store,
    now: () => NOW + 2 * MINUTE,
    onError: () => {},
  })
  return Object.assign(toRelayHandler(heap), { settle: () => heap.idle() })
}

const change = (notes: string) =>
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) =>
    name === 'ChangeDetails'
      ? '[{"settingKey":"f","event":"changed","details":"f: off ➔ on"}]'
      : name === 'ChangeNotes'
        ? notes
        : `${name}-1`,
  )
const configCatDelivery = (body: string, id: string) => ({
  headers: {
    'x-configcat-webhook-id': id,
    'x-configcat-webhook-timestamp': String(NOW / 1000),
    'x-configcat-webhook-signature-v1': signConfigCat('key', id, NOW / 1000, body),
  },
  body,
})
const heapPage = (
  task: string,
  action: string,
  ids: { add?: string[]; remove?: string[] },
  pageNumber = 1,
  pages = 1,
) =>
  JSON.stringify({
    action_type: action,
    data: {
      segment: { id: 3, name: 'VIP' },
      sync_info: { page_number: pageNumber, total_pages: pages, sync_task_id: task },
      add: (ids.add ?? []).map((id) => ({ id })),
      remove: (ids.remove ?? []).map((id) => ({ id })),
    },
  })
const signed = (body: string, ts: number) => ({
  headers: { 'heap-hash': heapHash('heap-secret', ts, body) },
  body,
})

describe('two instances behind a load balancer', () => {
  it('share delivery claims: a ConfigCat change delivered to both at once is sent to Segment once', async () => {
    const store = createMemoryRelayStore()
    const [a, b] = [configCatInstance(store), configCatInstance(store)]
    const body = change('ship it')
    const answers = await Promise.all([
      a(configCatDelivery(body, 'id-1')),
      b(configCatDelivery(body, 'id-1')),
    ])
    expect(answers.map((answer) => answer.status)).toContain(200)
    expect(segment.requests).toHaveLength(1)
  })

  it('share the last sync per segment: after one instance drained and deleted the segment, a late page of the older sync reaching the other does not bring it back', async () => {
    const store = createMemoryRelayStore()
    const [a, b] = [heapInstance(store), heapInstance(store)]
    await b(signed(heapPage('sync-1', 'segment.users.sync', { add: ['x'] }, 1, 2), NOW))
    await b.settle() // b now caches "heap-3 exists"
    await a(signed(heapPage('drain-1', 'segment.users.drain', { remove: ['x'] }), NOW + MINUTE))
    await a.settle()
    expect(ld.segments.has('web/production/heap-3')).toBe(false)

    const late = await b(signed(heapPage('sync-1', 'segment.users.sync', { add: ['y'] }, 2, 2), NOW + 90_000))
    await b.settle()
    expect(JSON.parse(late.body)).toMatchObject({ skipped: 'out-of-order' })
    expect(ld.segments.has('web/production/heap-3')).toBe(false)
  })

  it('keep a cache of existing segments that is safe to be stale: a newer sync reaching the instance that still believes in a deleted segment recreates it', async () => {
    const store = createMemoryRelayStore()
    const [a, b] = [heapInstance(store), heapInstance(store)]
    await b(signed(heapPage('sync-1', 'segment.users.sync', { add: ['x'] }), NOW))
    await b.settle()
    await a(signed(heapPage('drain-1', 'segment.users.drain', { remove: ['x'] }), NOW + MINUTE))
    await a.settle()
    await b(signed(heapPage('sync-2', 'segment.users.sync', { add: ['z'] }), NOW + 2 * MINUTE))
    await b.settle()
    expect(ld.members('web', 'production', 'heap-3')).toEqual(new Set(['z']))
    expect(ld.calls.map((call) => `${call.method} ${call.status}`)).toEqual([
      'POST 201',
      'POST 204',
      'POST 204',
      'DELETE 204',
      'POST 404',
      'POST 201',
      'POST 204',
    ])
  })

  it('keep product names in a cache that is safe to lose: each instance asks once, both send the same fields', async () => {
    const store = createMemoryRelayStore()
    const [a, b] = [configCatInstance(store), configCatInstance(store)]
    await a(configCatDelivery(change('one'), 'id-1'))
    await b(configCatDelivery(change('two'), 'id-2'))
    await b(configCatDelivery(change('three'), 'id-3'))
    expect(lookups).toBe(2)
    expect([...segment.accepted.values()].map((event) => event.properties)).toMatchObject([
      { product_id: 'p1', product_name: 'Shop' },
      { product_id: 'p1', product_name: 'Shop' },
      { product_id: 'p1', product_name: 'Shop' },
    ])
  })
})
