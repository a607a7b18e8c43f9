import { SegmentDeliveryError } from '../errors'
import { fetchWithTimeout, isTimeout } from '../http/fetchWithTimeout'
import { type RetryBudget, UNLIMITED_BUDGET } from '../http/retryBudget'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'
import { toBase64 } from '../signature/base64'
import { encodeUtf8 } from '../text/utf8'

/** Segment's regional ingestion hosts. */
export const SEGMENT_HOSTS = {
  us: 'https://api.segment.io',
  eu: 'https://events.eu1.segmentapis.com',
} as const

/** `'us'` (default) or `'eu'`; must match the region of the Segment workspace. */
export type SegmentRegion = keyof typeof SEGMENT_HOSTS

/** A Segment `track` call with the caller's own `messageId`, so retries can be deduplicated. */
export type SegmentTrack = {
  event: string
  messageId: string
  timestamp?: Date
  properties?: Record<string, unknown>
} & ({ userId: string } | { anonymousId: string })

/** Options of {@link createSegmentDelivery}. */
export interface SegmentDeliveryOptions {
  /** Write key of the Segment source (an HTTP API or Node.js source). */
  writeKey: string
  region?: SegmentRegion
  /** Overrides `region`, e.g. a local test server or a proxy. */
  host?: string
  /** Injectable `fetch` (a proxy, a test). */
  fetch?: typeof fetch
  /** Attempts per event, including the first. Default 3. */
  maxAttempts?: number
  /** Longest wait between attempts; a longer `Retry-After` fails the attempt for the sender to retry. Default 10 s. */
  maxRetryDelayMs?: number
  /** Timeout of one request to Segment. Default 5 s. */
  httpRequestTimeoutMs?: number
  sleep?: Sleep
}

/** Sends events to Segment and resolves only once Segment accepted them. */
export interface SegmentDelivery {
  /**
   * Sends one event now and waits for Segment's 2xx, retrying within `budget` (default: the
   * attempts alone, each bounded by its timeout).
   * @throws {SegmentDeliveryError} `SEGMENT_REJECTED` on a 4xx or an event over 32 KB,
   * `SEGMENT_UNAVAILABLE` after the last attempt or when the next wait would not fit the budget.
   */
  track(event: SegmentTrack, budget?: RetryBudget): Promise<void>
  /** Nothing is buffered; kept so handlers can be closed alike. */
  close(): Promise<void>
}

// Segment's HTTP tracking API refuses an event over 32 KB and a batch over 500 KB.
const MAX_EVENT_BYTES = 32 * 1024
const LIBRARY = { name: '@flagbridge/relay', version: '0.1.0' }

/**
 * Sends `track` events one at a time to Segment's HTTP tracking API (`POST {host}/v1/batch`,
 * Basic auth with the write key), and resolves only once Segment answered 2xx. Retries keep the
 * same `messageId` (Segment deduplicates on it) and honour `Retry-After`; 5xx, 408, 429,
 * timeouts and network errors are retried, other 4xx are not.
 *
 * Plain `fetch`, nothing kept between calls: it runs in Node and in runtimes that bind I/O to
 * the request (Cloudflare Workers), where `@segment/analytics-node`'s client, created once and
 * used by later requests, never completes.
 *
 * @example
 * const segment = createSegmentDelivery({ writeKey: process.env.SEGMENT_WRITE_KEY!, region: 'eu' })
 * await segment.track({ event: 'Feature Flag Changed', messageId, anonymousId: 'configcat-webhook' })
 */
export function createSegmentDelivery(options: SegmentDeliveryOptions): SegmentDelivery {
  const sleep = options.sleep ?? realSleep
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000
  const requestTimeout = options.httpRequestTimeoutMs ?? 5000
  const url = `${(options.host ?? SEGMENT_HOSTS[options.region ?? 'us']).replace(/\/+$/, '')}/v1/batch`
  const authorization = `Basic ${toBase64(encodeUtf8(`${options.writeKey}:`))}`

  const send = async (event: SegmentTrack, budget: RetryBudget) => {
    const message = {
      ...event,
      type: 'track',
      timestamp: (event.timestamp ?? new Date()).toISOString(),
      context: { library: LIBRARY },
    }
    const text = JSON.stringify(message)
    if (encodeUtf8(text).length > MAX_EVENT_BYTES) {
      throw new SegmentDeliveryError(
        'SEGMENT_REJECTED',
        `Event ${event.messageId} is over Segment's 32 KB limit; it was not sent.`,
      )
    }
    const body = `{"batch":[${text}],"sentAt":${JSON.stringify(new Date().toISOString())}}`
    for (let attempt = 1; ; attempt++) {
      let status: number | undefined
      let retryAfterMs: number | undefined
      let failure: unknown
      try {
        const response = await fetchWithTimeout(
          options.fetch ?? fetch,
          url,
          { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body },
          budget.attemptTimeout(requestTimeout),
        )
        await response.body?.cancel()
        if (response.ok) return
        status = response.status
        const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10)
        if (Number.isFinite(retryAfter) && retryAfter >= 0) retryAfterMs = retryAfter * 1000
      } catch (error) {
        failure = error
      }
      const reason =
        status ?? (isTimeout(failure) ? 'timeout' : String((failure as Error)?.message ?? failure))
      if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new SegmentDeliveryError(
          'SEGMENT_REJECTED',
          `Segment refused event ${event.messageId} with ${status}. Check the write key and the event size (32 KB max).`,
          status,
        )
      }
      // A Retry-After longer than we are willing to wait is honoured by failing now: the sender
      // retries later, instead of Segment being asked again too early.
      const delay = retryAfterMs ?? backoffDelay(attempt)
      if (attempt >= maxAttempts || delay > maxRetryDelayMs || !budget.reserve(delay)) {
        throw new SegmentDeliveryError(
          'SEGMENT_UNAVAILABLE',
          `Segment did not accept event ${event.messageId} after ${attempt} attempts (last: ${reason}).`,
          status,
          { cause: failure },
        )
      }
      await sleep(delay)
    }
  }

  return {
    track: (event, budget) => send(event, budget ?? UNLIMITED_BUDGET),
    close: async () => {},
  }
}
