import { type Listening, listen, readBody, type ScriptedAnswer, send } from './listen'

/** An event as Segment's batch API received it. */
export type ReceivedEvent = Record<string, unknown> & { messageId: string; type: string }

/**
 * Behaves like Segment's HTTP tracking API on the points under test: `POST /v1/batch`,
 * Basic auth with the write key as user, 32 KB per event and 500 KB per batch (else 400),
 * deduplication by `messageId`. `script` answers the next requests with canned failures.
 */
export interface FakeSegment extends Listening {
  /** Every batch request, in order, with the auth header. */
  requests: Array<{ authorization: string | undefined; batch: ReceivedEvent[] }>
  /** Events accepted (2xx), deduplicated by messageId as Segment does. */
  accepted: Map<string, ReceivedEvent>
  /** Number of events accepted including duplicates. */
  acceptedCount: number
  script: ScriptedAnswer[]
}

const MAX_EVENT_BYTES = 32 * 1024
const MAX_BATCH_BYTES = 500 * 1024

export async function startFakeSegment(writeKey: string): Promise<FakeSegment> {
  const fake = {
    requests: [],
    accepted: new Map(),
    acceptedCount: 0,
    script: [],
  } as unknown as FakeSegment
  const expectedAuth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`
  const listening = await listen(async (req, res) => {
    const text = await readBody(req)
    if (req.method !== 'POST' || req.url !== '/v1/batch') return send(res, 404, { success: false })
    let parsed: { batch?: ReceivedEvent[]; writeKey?: string }
    try {
      parsed = JSON.parse(text)
    } catch {
      return send(res, 400, { success: false, message: 'invalid JSON' })
    }
    const batch = parsed.batch ?? []
    fake.requests.push({ authorization: req.headers.authorization, batch })
    const scripted = fake.script.shift()
    if (scripted) return send(res, scripted.status, scripted.body ?? { success: false }, scripted.headers)
    if (req.headers.authorization !== expectedAuth) return send(res, 401, { success: false })
    if (Buffer.byteLength(text) > MAX_BATCH_BYTES)
      return send(res, 400, { success: false, message: 'batch too large' })
    if (batch.some((event) => Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES)) {
      return send(res, 400, { success: false, message: 'event too large' })
    }
    for (const event of batch) {
      fake.acceptedCount++
      if (!fake.accepted.has(event.messageId)) fake.accepted.set(event.messageId, event)
    }
    return send(res, 200, { success: true })
  })
  return Object.assign(fake, listening)
}
