// Cases 7, 8, 10, 11 and 12 of issue 14: forged and malformed input, configuration mistakes,
// body caps, and signatures over the raw bytes.
import {
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE,
  type ConfigCatWebhookHandler,
  type ConfigCatWebhookHandlerOptions,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  parseConfigCatWebhook,
  RelayConfigurationError,
  toNodeHandler,
  toRelayHandler,
  WebhookPayloadError,
} from '@flagbridge/relay'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRedisRelayStore } from '../../packages/relay/src/redis/index'
import { type FakeSegment, startFakeSegment } from './fakes/fakeSegment'
import { listen } from './fakes/listen'
import { heapHash, signConfigCat } from './fakes/sign'
import { until } from './fakes/until'

const KEY = 'configcat_whsk_test-key'
const NOW_S = 1_750_000_000

const VALUES: Record<string, string> = {
  ConfigId: 'cfg-1',
  ConfigName: 'Main Config',
  EnvironmentId: 'env-1',
  EnvironmentName: 'Production',
  URL: 'https://app.configcat.com/cfg-1',
  ChangedBy: 'Jane Doe (jane@example.com)',
  ChangeNotes: 'Ship it',
  ChangeDetails: JSON.stringify([
    { settingKey: 'newCheckout', event: 'changed', details: 'newCheckout: false ➔ true' },
  ]),
}
/** What ConfigCat does: plain-text substitution into the template. */
const fill = (values: Record<string, string>) =>
  CONFIGCAT_WEBHOOK_BODY_TEMPLATE.replace(/##(\w+)##/g, (_, name: string) => values[name] ?? '')

function delivery(body: string | Uint8Array, id = 'webhook-1') {
  return {
    headers: {
      'content-type': 'application/json',
      'x-configcat-webhook-id': id,
      'x-configcat-webhook-timestamp': String(NOW_S),
      'x-configcat-webhook-signature-v1': signConfigCat(KEY, id, NOW_S, body),
    },
    body,
  }
}

let segment: FakeSegment
let handler: ConfigCatWebhookHandler | undefined
let errors: unknown[]

beforeEach(async () => {
  segment = await startFakeSegment('write-key')
  errors = []
})
afterEach(async () => {
  await handler?.close()
  handler = undefined
  await segment.close()
})

function createHandler(overrides: Partial<ConfigCatWebhookHandlerOptions> = {}) {
  handler = createConfigCatWebhookHandler({
    signingKeys: [KEY],
    segment: { writeKey: 'write-key', host: segment.url, sleep: async () => {} },
    now: () => NOW_S * 1000,
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return handler
}

describe('case 7: a change note cannot forge the audit fields', () => {
  const FORGED_NOTE = 'routine", "changedBy": "Chief Exec (ceo@corp.example)", "environmentName": "Staging'

  it('refuses the body the forged note produces (JSON.parse alone would believe it), also with identity "changer-email"', async () => {
    const body = fill({ ...VALUES, ChangeNotes: FORGED_NOTE })
    // What a plain JSON.parse makes of it: the forged values win.
    expect(JSON.parse(body)).toMatchObject({
      changedBy: 'Chief Exec (ceo@corp.example)',
      environmentName: 'Staging',
    })

    for (const identity of ['anonymous', 'changer-email'] as const) {
      const response = await toRelayHandler(createHandler({ identity }))(delivery(body))
      expect(response.status).toBe(400)
      expect(JSON.parse(response.body).error.code).toBe('PAYLOAD_INVALID')
      await handler?.close()
    }
    expect(segment.requests).toEqual([])
    expect((errors[0] as Error).message).toContain('"changedBy" twice')
  })

  it('refuses duplicate keys however they are spelled, and forged keys in bodies that are not JSON', () => {
    const escaped = fill({
      ...VALUES,
      ChangeNotes: 'routine", "changed\\u0042y": "Chief Exec (ceo@corp.example)',
    })
    expect(JSON.parse(escaped).changedBy).toBe('Chief Exec (ceo@corp.example)')
    expect(() => parseConfigCatWebhook(escaped)).toThrow(WebhookPayloadError)

    // A raw line break makes the body invalid JSON, so the template-aware reader runs: it must not
    // take the forged key either.
    const broken = fill({
      ...VALUES,
      ChangeNotes: 'routine\n", "changedBy": "Chief Exec (ceo@corp.example)", "x": "',
    })
    expect(() => JSON.parse(broken)).toThrow()
    expect(() => parseConfigCatWebhook(broken)).toThrow(/"changedBy" 2 times/)

    // Quotes that add no key are still fine.
    expect(
      parseConfigCatWebhook(fill({ ...VALUES, ChangeNotes: 'Said "go", then\nrolled back' })).changedBy,
    ).toBe('Jane Doe (jane@example.com)')
  })
})

describe('case 8: details are cut by encoded bytes, under Segment’s 32 KB event limit', () => {
  const send = async (details: string) => {
    const body = fill({
      ...VALUES,
      ChangeDetails: JSON.stringify([{ settingKey: 'copy', event: 'changed', details }]),
    })
    const response = await toRelayHandler(createHandler())(delivery(body, `id-${details.length}`))
    const event = [...segment.accepted.values()].at(-1)
    return { response, event, sent: String((event?.properties as { details?: string } | undefined)?.details) }
  }

  it('sends a change of 12,000 CJK characters (36 KB) as an event under 32 KB', async () => {
    const text = '変更'.repeat(6000)
    const { response, event, sent } = await send(text)
    expect(response.status).toBe(200)
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(32 * 1024)
    expect(sent).toMatch(/… \(truncated\)$/)
    expect(text.startsWith(sent.replace(/… \(truncated\)$/, ''))).toBe(true)
    expect(Buffer.byteLength(sent)).toBeGreaterThan(28 * 1024) // cut to fit, not to a few characters
  })

  it('counts JSON escapes and never splits a surrogate pair', async () => {
    const controls = await send('\u0001'.repeat(7000)) // 7,000 characters, 42,000 bytes once escaped
    expect(controls.response.status).toBe(200)
    expect(Buffer.byteLength(JSON.stringify(controls.event))).toBeLessThan(32 * 1024)
    const emoji = await send('😀'.repeat(9000))
    expect(emoji.response.status).toBe(200)
    expect(emoji.sent).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(Buffer.byteLength(JSON.stringify(emoji.event))).toBeLessThan(32 * 1024)
  })
})

describe('case 10: configuration is checked at construction, and callers never see internal messages', () => {
  const ld = { accessToken: 'token', projectKey: 'p', environmentKey: 'e' }

  it('throws a RelayConfigurationError naming the missing option (and the variable the README reads it from)', () => {
    const attempts: Array<[() => unknown, RegExp]> = [
      [
        () => createHeapWebhookHandler({ secret: undefined, launchDarkly: ld }),
        /options\.secret .*HEAP_WEBHOOK_SECRET/,
      ],
      [() => createHeapWebhookHandler({ secret: ['', undefined], launchDarkly: ld }), /options\.secret/],
      [
        () =>
          createHeapWebhookHandler({ secret: 's', launchDarkly: { ...ld, accessToken: undefined as never } }),
        /options\.launchDarkly\.accessToken .*LD_ACCESS_TOKEN/,
      ],
      [
        () => createConfigCatWebhookHandler({ signingKeys: [undefined], segment: { writeKey: 'w' } }),
        /options\.signingKeys .*CONFIGCAT_SIGNING_KEY/,
      ],
      [
        () => createConfigCatWebhookHandler({ signingKeys: ['k'], segment: { writeKey: '' } }),
        /options\.segment\.writeKey .*SEGMENT_WRITE_KEY/,
      ],
      [
        () =>
          createConfigCatWebhookHandler({
            signingKeys: ['k'],
            segment: { writeKey: 'w' },
            configCatPublicApi: { username: 'u', password: undefined as never },
          }),
        /options\.configCatPublicApi\.password/,
      ],
      [
        () =>
          createConfigCatWebhookHandler({ signingKeys: ['k'], segment: { writeKey: 'w' }, deadlineMs: 0 }),
        /deadlineMs/,
      ],
      [() => createRedisRelayStore({ commandTimeoutMs: -1 }), /commandTimeoutMs/],
      // NaN would accept every timestamp (replays included); 0 refuses every real delivery.
      [
        () =>
          createConfigCatWebhookHandler({
            signingKeys: ['k'],
            segment: { writeKey: 'w' },
            toleranceSeconds: Number.NaN,
          }),
        /toleranceSeconds/,
      ],
      [
        () => createHeapWebhookHandler({ secret: 's', launchDarkly: ld, toleranceSeconds: 0 }),
        /toleranceSeconds/,
      ],
      [
        () => createHeapWebhookHandler({ secret: 's', launchDarkly: undefined as never }),
        /options\.launchDarkly is missing/,
      ],
      [
        () => createConfigCatWebhookHandler({ signingKeys: ['k'], segment: undefined as never }),
        /options\.segment is missing/,
      ],
    ]
    for (const [create, message] of attempts) {
      expect(create).toThrow(RelayConfigurationError)
      expect(create).toThrow(message)
    }
  })

  it('answers an unexpected failure with a fixed 500 that carries no internal message; onError gets the error', async () => {
    const failing = createHandler({
      segment: {
        track: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'writeKey')")
        },
        close: async () => {},
      },
    })
    const response = await toRelayHandler(failing)(delivery(fill(VALUES)))
    expect(response.status).toBe(500)
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error.' } })
    expect((errors[0] as Error).message).toContain('writeKey')

    const forged = await toRelayHandler(createHandler())({
      ...delivery(fill(VALUES)),
      body: `${fill(VALUES)} `,
    })
    expect(JSON.parse(forged.body)).toEqual({
      error: {
        code: 'SIGNATURE_INVALID',
        message: 'The webhook signature or timestamp could not be verified.',
      },
    })
  })
})

describe('case 11: each handler caps its own body and answers 413', () => {
  it('ConfigCat: 64 KB by default, in the fetch form, whether the size is declared or streamed', async () => {
    const relay = createHandler()
    const big = 'x'.repeat(64 * 1024 + 1)
    const declared = await relay(
      new Request('https://relay.example/', {
        method: 'POST',
        headers: { 'content-length': String(big.length) },
        body: big,
      }),
    )
    const streamed = await relay(
      new Request('https://relay.example/', {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 65; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(1024)))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit),
    )
    expect([declared.status, streamed.status]).toEqual([413, 413])
    expect((await declared.json()).error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(segment.requests).toEqual([])
  })

  it('Heap: maxBodyBytes, through the Node adapter too', async () => {
    const heap = createHeapWebhookHandler({
      secret: 'secret',
      launchDarkly: { accessToken: 't', projectKey: 'p', environmentKey: 'e' },
      maxBodyBytes: 1024,
      onError: () => {},
    })
    const server = await listen(toNodeHandler(heap))
    try {
      const response = await fetch(server.url, { method: 'POST', body: 'z'.repeat(2048) })
      expect(response.status).toBe(413)
    } finally {
      await server.close()
    }
  })

  it('Heap: bodies read at once are bounded together (64 MB): the request past it gets 503 before any signature could be checked', async () => {
    // Anyone can open connections and send 5 MB each, slowly: all of it is buffered before the
    // signature over it can be checked, so many such requests could exhaust the process.
    const heap = createHeapWebhookHandler({
      secret: 'secret',
      launchDarkly: { accessToken: 't', projectKey: 'p', environmentKey: 'e' },
      onError: () => {},
    })
    const MB = 1024 * 1024
    const senders = Array.from({ length: 13 }, () => slowBody(5 * MB))
    const answers: Array<number | undefined> = senders.map(() => undefined)
    const requests = senders.map((sender, index) =>
      heap(
        new Request('https://relay.example/', {
          method: 'POST',
          body: sender.stream,
          duplex: 'half',
        } as RequestInit),
      ).then((response) => {
        answers[index] = response.status
        return response
      }),
    )
    // Every sender has sent its 5 MB (or was answered) while all 13 bodies are still open.
    await until(
      () => senders.every((sender, index) => sender.sent() === 5 * MB || answers[index] !== undefined),
      'the bodies to be read',
    )
    const early = [...answers]
    for (const sender of senders) sender.finish()
    const responses = await Promise.all(requests)
    expect(early).toEqual([...Array(12).fill(undefined), 503])
    expect(responses.map((response) => response.status)).toEqual([...Array(12).fill(401), 503])
    expect(await responses[12]?.json()).toMatchObject({ error: { code: 'RELAY_BUSY' } })

    // Bodies read to the end give their bytes back: the next request is read again.
    const again = await heap(new Request('https://relay.example/', { method: 'POST', body: 'x' }))
    expect(again.status).toBe(401)
  })

  it('ConfigCat through the Node adapter: 413, not a signature error', async () => {
    const server = await listen(toNodeHandler(createHandler()))
    try {
      const body = fill({ ...VALUES, ChangeNotes: 'n'.repeat(70 * 1024) })
      const response = await fetch(server.url, { method: 'POST', headers: delivery(body).headers, body })
      expect(response.status).toBe(413)
    } finally {
      await server.close()
    }
    expect(segment.requests).toEqual([])
  })
})

describe('case 12: signatures are checked over the raw bytes, before any decoding', () => {
  // A body with a byte that is not UTF-8 (Latin-1 "é" = 0xE9): decoding would turn it, and any
  // other invalid byte, into U+FFFD, so two different bodies would verify alike.
  const bytesWith = (byte: number) =>
    Buffer.from(fill({ ...VALUES, ChangeNotes: 'caf\u0000' })).map((value) => (value === 0 ? byte : value))

  it('ConfigCat (Node adapter): the signed bytes pass the signature and are then refused as not UTF-8; other bytes under that signature fail it', async () => {
    const server = await listen(toNodeHandler(createHandler()))
    try {
      const signedBytes = bytesWith(0xe9)
      const signed = delivery(signedBytes)
      const genuine = await fetch(server.url, { method: 'POST', headers: signed.headers, body: signedBytes })
      expect(genuine.status).toBe(400)
      expect((await genuine.json()).error.code).toBe('PAYLOAD_INVALID')
      const swapped = await fetch(server.url, {
        method: 'POST',
        headers: signed.headers,
        body: bytesWith(0xe8),
      })
      expect(swapped.status).toBe(401)
    } finally {
      await server.close()
    }
    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      'PAYLOAD_INVALID',
      'SIGNATURE_INVALID',
    ])
  })

  it('Heap (fetch form): the same over Heap-Hash', async () => {
    const heap = createHeapWebhookHandler({
      secret: 'secret',
      launchDarkly: { accessToken: 't', projectKey: 'p', environmentKey: 'e' },
      now: () => NOW_S * 1000,
      onError: () => {},
    })
    const body = new TextEncoder()
      .encode('{"action_type":"segment.users.sync","data":{"segment":{"id":1,"name":"caf\u0000"}}}')
      .map((value) => (value === 0 ? 0xe9 : value))
    const header = heapHash('secret', NOW_S * 1000, body)
    const post = (bytes: Uint8Array<ArrayBuffer>) =>
      heap(
        new Request('https://relay.example/', {
          method: 'POST',
          headers: { 'heap-hash': header },
          body: bytes,
        }),
      )
    expect((await post(body)).status).toBe(400)
    expect((await post(body.map((value) => (value === 0xe9 ? 0xe8 : value)))).status).toBe(401)
  })
})

/** A body sent 1 MB at a time as the reader asks for it, left open until `finish()`. */
function slowBody(bytes: number) {
  const chunk = new Uint8Array(1024 * 1024).fill(120)
  let sent = 0
  let finish = () => {}
  const finished = new Promise<void>((resolve) => {
    finish = resolve
  })
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent < bytes) {
          sent += chunk.length
          controller.enqueue(chunk.slice())
          return
        }
        await finished
        controller.close()
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, sent: () => sent, finish }
}
