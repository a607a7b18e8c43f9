import { createHash } from 'node:crypto'
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  type ConfigCatWebhookHandlerOptions,
  createConfigCatWebhookHandler,
  createFlagChangedMessageId,
  toNodeHandler,
  toRelayHandler,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { type Listening, listen, send } from './fakes/listen'
import { signConfigCat } from './fakes/sign'

const WRITE_KEY = 'segment-write-key'
const SIGNING_KEY = 'configcat_whsk_primary-key'
const SECONDARY_KEY = 'configcat_whsk_secondary-key'
const NOW_S = 1_750_000_000
const now = () => NOW_S * 1000

const DETAILS = [{ settingKey: 'newCheckout', event: 'changed', details: '\r\nnewCheckout: false ➔ true' }]
const VALUES: Record<string, string> = {
  ConfigId: 'cfg-1',
  ConfigName: 'Main Config',
  EnvironmentId: 'env-1',
  EnvironmentName: 'Production',
  URL: 'https://app.configcat.com/p/cfg-1/env-1',
  ChangedBy: 'Jane Doe (jane@example.com)',
  ChangeNotes: 'Ship it',
  ChangeDetails: JSON.stringify(DETAILS),
}

function body(values: Record<string, string> = VALUES): string {
  return CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) => values[name] ?? '')
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
/** The messageId of a change, given the body of the change sent before it in the same config/environment. */
const messageIdOf = (text: string, previous?: string) =>
  createFlagChangedMessageId(sha256(text), previous === undefined ? undefined : sha256(previous))

function delivery(text: string, id = 'webhook-1', timestamp = NOW_S, key = SIGNING_KEY) {
  return {
    headers: {
      'content-type': 'application/json',
      'x-configcat-webhook-id': id,
      'x-configcat-webhook-timestamp': String(timestamp),
      'x-configcat-webhook-signature-v1': signConfigCat(key, id, timestamp, text),
    },
    body: text,
  }
}

let segment: FakeSegment
let handler: ConfigCatWebhookHandler | undefined
let sleeps: number[]
let errors: unknown[]

/** The web-standard handler. */
function createHandler(overrides: Partial<ConfigCatWebhookHandlerOptions> = {}) {
  handler = createConfigCatWebhookHandler({
    signingKeys: [SIGNING_KEY, SECONDARY_KEY],
    segment: {
      writeKey: WRITE_KEY,
      host: segment.url,
      sleep: async (ms) => {
        sleeps.push(ms)
      },
    },
    product: { id: 'prod-1', name: 'Web shop' },
    now,
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return handler
}

/** The same handler in `{ headers, body }` form. */
function createRelay(overrides: Partial<ConfigCatWebhookHandlerOptions> = {}) {
  return toRelayHandler(createHandler(overrides))
}

beforeEach(async () => {
  segment = await startFakeSegment(WRITE_KEY)
  sleeps = []
  errors = []
})

afterEach(async () => {
  await handler?.close()
  handler = undefined
  await segment.close()
})

describe('ConfigCat webhook → Segment', () => {
  it('sends one "Feature Flag Changed" track, field by field, and answers 200 after Segment accepted it', async () => {
    const relay = createRelay()
    const response = await relay(delivery(body()))
    const messageId = await messageIdOf(body())
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ ok: true, messageId })

    // Answered only after the batch reached Segment.
    expect(segment.requests).toHaveLength(1)
    expect(segment.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    )
    expect(segment.acceptedCount).toBe(1)
    const event = segment.accepted.get(messageId)
    expect(event).toMatchObject({
      type: 'track',
      event: 'Feature Flag Changed',
      messageId,
      anonymousId: 'configcat-webhook',
      timestamp: new Date(NOW_S * 1000).toISOString(),
    })
    expect(event).not.toHaveProperty('userId')
    expect(event?.properties).toEqual({
      timestamp: new Date(NOW_S * 1000).toISOString(),
      details: 'newCheckout: false ➔ true',
      product_id: 'prod-1',
      product_name: 'Web shop',
      config_id: 'cfg-1',
      config_name: 'Main Config',
      environment_id: 'env-1',
      environment_name: 'Production',
      url: 'https://app.configcat.com/p/cfg-1/env-1',
      user_email: 'jane@example.com',
      user_full_name: 'Jane Doe',
    })
  })

  it('accepts the secondary signing key', async () => {
    const relay = createRelay()
    expect((await relay(delivery(body(), 'webhook-2', NOW_S, SECONDARY_KEY))).status).toBe(200)
    expect(segment.acceptedCount).toBe(1)
  })

  it('delivers a redelivered webhook once (sequential and concurrent duplicates)', async () => {
    const relay = createRelay()
    const first = await relay(delivery(body()))
    const second = await relay(delivery(body()))
    expect([first.status, second.status]).toEqual([200, 200])
    expect(JSON.parse(second.body)).toMatchObject({ duplicate: true })

    // Another change, delivered twice at once.
    const next = body({ ...VALUES, ChangeNotes: 'Ship it again' })
    const concurrent = await Promise.all([
      relay(delivery(next, 'webhook-9')),
      relay(delivery(next, 'webhook-9')),
    ])
    expect(concurrent.map((r) => r.status)).toEqual([200, 200])

    expect(segment.requests.flatMap((r) => r.batch.map((e) => e.messageId))).toEqual([
      await messageIdOf(body()),
      await messageIdOf(next, body()),
    ])
    expect(segment.acceptedCount).toBe(2)
  })

  it('a redelivery to a fresh relay instance reuses the messageId, so Segment deduplicates it', async () => {
    await createRelay()(delivery(body()))
    await handler?.close()
    const restarted = createRelay()
    expect((await restarted(delivery(body()))).status).toBe(200)
    expect(segment.acceptedCount).toBe(2)
    expect([...segment.accepted.keys()]).toEqual([await messageIdOf(body())])
  })

  it('retries 5xx with backoff and 429 after Retry-After, with the same messageId', async () => {
    segment.script.push({ status: 503 }, { status: 429, headers: { 'retry-after': '7' } })
    const relay = createRelay()
    const response = await relay(delivery(body()))
    expect(response.status).toBe(200)
    expect(segment.requests).toHaveLength(3)
    expect(new Set(segment.requests.map((r) => r.batch[0]?.messageId)).size).toBe(1)
    expect(sleeps).toHaveLength(2)
    expect(sleeps[0]).toBeLessThanOrEqual(500)
    expect(sleeps[1]).toBe(7000)
    expect(segment.acceptedCount).toBe(1)
  })

  it('never answers 2xx while Segment is down; ConfigCat’s retry then lands exactly once', async () => {
    segment.script.push({ status: 500 }, { status: 502 }, { status: 503 })
    const relay = createRelay()
    const failed = await relay(delivery(body()))
    expect(failed.status).toBe(503)
    expect(JSON.parse(failed.body).error.code).toBe('SEGMENT_UNAVAILABLE')
    expect(segment.requests).toHaveLength(3) // maxAttempts default 3
    expect(segment.acceptedCount).toBe(0)

    const retried = await relay(delivery(body()))
    expect(retried.status).toBe(200)
    expect(segment.acceptedCount).toBe(1)
  })

  it('does not retry a 4xx from Segment and answers 502 (wrong write key)', async () => {
    const relay = createRelay({
      segment: { writeKey: 'wrong-key', host: segment.url, sleep: async () => {} },
    })
    const response = await relay(delivery(body()))
    expect(response.status).toBe(502)
    expect(JSON.parse(response.body).error.code).toBe('SEGMENT_REJECTED')
    expect(segment.requests).toHaveLength(1)
    expect(segment.acceptedCount).toBe(0)
  })

  it('keeps a huge change under Segment’s 32 KB event limit by truncating details', async () => {
    const huge = Array.from({ length: 200 }, (_, i) => ({
      settingKey: `flag${i}`,
      event: 'changed',
      details: `\r\nflag${i}: ${'x'.repeat(200)}`,
    }))
    const text = body({ ...VALUES, ChangeDetails: JSON.stringify(huge) })
    // Within the handler's 64 KB body cap, but the details alone are over Segment's 32 KB.
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024)
    expect(huge.reduce((bytes, entry) => bytes + entry.details.length, 0)).toBeGreaterThan(32 * 1024)
    const relay = createRelay()
    const response = await relay(delivery(text))
    expect(response.status).toBe(200)
    const event = [...segment.accepted.values()][0]
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(32 * 1024)
    expect(String((event?.properties as { details?: string } | undefined)?.details)).toMatch(
      /… \(truncated\)$/,
    )
  })

  it('refuses bad signatures (401) and malformed bodies (400) without calling Segment', async () => {
    const relay = createRelay()
    const good = delivery(body())
    const cases = [
      { ...good, body: good.body.replace('Ship it', 'Ship it!') },
      { ...good, headers: { ...good.headers, 'x-configcat-webhook-signature-v1': undefined } },
      delivery(body(), 'webhook-1', NOW_S - 301),
      delivery(body(), 'webhook-1', NOW_S + 301),
      delivery(body(), 'webhook-1', NOW_S, 'configcat_whsk_someone-else'),
    ]
    for (const request of cases) {
      expect((await relay(request)).status).toBe(401)
    }
    expect((await relay(delivery('{"configId": "cfg-1"'))).status).toBe(400)
    expect(
      (await relay(delivery(JSON.stringify({ configId: 'c', environmentId: 'e', changeDetails: '[]' }))))
        .status,
    ).toBe(400)
    expect(segment.requests).toHaveLength(0)
    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      'SIGNATURE_INVALID',
      'SIGNATURE_MISSING',
      'TIMESTAMP_STALE',
      'TIMESTAMP_STALE',
      'SIGNATURE_INVALID',
      'PAYLOAD_INVALID',
      'PAYLOAD_INVALID',
    ])
  })

  it("uses the changer's email as userId when configured", async () => {
    const relay = createRelay({ identity: 'changer-email' })
    await relay(delivery(body()))
    const event = [...segment.accepted.values()][0]
    expect(event).toMatchObject({ userId: 'jane@example.com' })
    expect(event).not.toHaveProperty('anonymousId')
  })
})

describe('product lookup through ConfigCat’s Public API', () => {
  let configCatApi: Listening
  let lookups: Array<{ url: string | undefined; authorization: string | undefined }>
  let failLookups: boolean

  beforeEach(async () => {
    lookups = []
    failLookups = false
    configCatApi = await listen((req, res) => {
      lookups.push({ url: req.url, authorization: req.headers.authorization })
      if (failLookups) return send(res, 401, { message: 'Unauthorized' })
      send(res, 200, {
        configId: 'cfg-1',
        name: 'Main Config',
        product: { productId: 'prod-42', name: 'Mobile app' },
      })
    })
  })
  afterEach(() => configCatApi.close())

  it('fetches product id and name once per config, with Basic auth', async () => {
    const relay = createRelay({
      product: undefined,
      configCatPublicApi: { username: 'api-user', password: 'api-pass', baseUrl: configCatApi.url },
    })
    expect((await relay(delivery(body({ ...VALUES, ChangeNotes: 'a' }), 'webhook-a'))).status).toBe(200)
    expect((await relay(delivery(body({ ...VALUES, ChangeNotes: 'b' }), 'webhook-b'))).status).toBe(200)
    expect(lookups).toEqual([
      {
        url: '/v1/configs/cfg-1',
        authorization: `Basic ${Buffer.from('api-user:api-pass').toString('base64')}`,
      },
    ])
    for (const event of segment.accepted.values()) {
      expect(event.properties).toMatchObject({ product_id: 'prod-42', product_name: 'Mobile app' })
    }
    expect(segment.acceptedCount).toBe(2)
  })

  it('still sends the change, with null product fields, when the lookup fails', async () => {
    failLookups = true
    const relay = createRelay({
      product: undefined,
      configCatPublicApi: { username: 'api-user', password: 'wrong', baseUrl: configCatApi.url },
    })
    expect((await relay(delivery(body()))).status).toBe(200)
    expect([...segment.accepted.values()][0]?.properties).toMatchObject({
      product_id: null,
      product_name: null,
    })
    expect(errors.map((error) => (error as { code: string }).code)).toEqual(['CONFIGCAT_API_ERROR'])
  })
})

describe('toNodeHandler', () => {
  it('serves the handler over node:http with the raw body', async () => {
    const relay = createHandler()
    const server = await listen(toNodeHandler(relay))
    try {
      const request = delivery(body())
      const response = await fetch(`${server.url}/webhooks/configcat`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('application/json')
      expect(await response.json()).toEqual({ ok: true, messageId: await messageIdOf(body()) })

      const forged = await fetch(`${server.url}/webhooks/configcat`, {
        method: 'POST',
        headers: request.headers,
        body: `${request.body} `,
      })
      expect(forged.status).toBe(401)
      expect(segment.acceptedCount).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('uses a body Express already read as a string or Buffer', async () => {
    const relay = createHandler()
    const request = delivery(body())
    const server = await listen((req, res) => {
      // What express.raw() leaves behind: the bytes in req.body, the stream consumed.
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        Object.assign(req, { body: Buffer.concat(chunks) })
        void toNodeHandler(relay)(req, res)
      })
    })
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      })
      expect(response.status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('Segment hosts and injected HTTP client', () => {
  it('sends to the EU host through an injected fetch function', async () => {
    const urls: string[] = []
    const relay = createRelay({
      segment: {
        writeKey: WRITE_KEY,
        region: 'eu',
        fetch: async (url, init) => {
          urls.push(String(url))
          // Forward to the local fake, as a proxy would.
          return fetch(`${segment.url}/v1/batch`, {
            method: init?.method,
            headers: init?.headers,
            body: init?.body,
          })
        },
      },
    })
    expect((await relay(delivery(body()))).status).toBe(200)
    expect(urls).toEqual(['https://events.eu1.segmentapis.com/v1/batch'])
    expect(segment.acceptedCount).toBe(1)
  })

  it('answers 400 with a hint when a JSON body parser already consumed the body', async () => {
    const relay = createHandler()
    const request = delivery(body())
    const server = await listen((req, res) => {
      req.resume()
      req.on('end', () => {
        Object.assign(req, { body: { parsed: true } }) // what express.json() leaves behind
        void toNodeHandler(relay)(req, res)
      })
    })
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      })
      expect(response.status).toBe(400)
      expect((await response.json()).error.message).toContain('Mount the relay before express.json()')
      expect(segment.requests).toHaveLength(0)
    } finally {
      await server.close()
    }
  })
})
