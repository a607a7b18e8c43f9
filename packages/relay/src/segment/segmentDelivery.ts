import {
  Analytics,
  FetchHTTPClient,
  type HTTPClient,
  type HTTPFetchFn,
  type HTTPResponse,
  type TrackParams,
} from '@segment/analytics-node'
import { SegmentDeliveryError } from '../errors'
import { type RetryBudget, UNLIMITED_BUDGET } from '../http/retryBudget'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'

/** Segment's regional ingestion hosts. */
export const SEGMENT_HOSTS = {
  us: 'https://api.segment.io',
  eu: 'https://events.eu1.segmentapis.com',
} as const

/** `'us'` (default) or `'eu'`; must match the region of the Segment workspace. */
export type SegmentRegion = keyof typeof SEGMENT_HOSTS

/** A `track` call with the caller's own `messageId`, so retries can be deduplicated. */
export type SegmentTrack = TrackParams & { messageId: string }

/** Options of {@link createSegmentDelivery}. */
export interface SegmentDeliveryOptions {
  /** Write key of the Segment source (an HTTP API or Node.js source). */
  writeKey: string
  region?: SegmentRegion
  /** Overrides `region`, e.g. a local test server or a proxy. */
  host?: string
  /** Passed to `@segment/analytics-node`: a fetch function or an `HTTPClient`. */
  httpClient?: HTTPFetchFn | HTTPClient
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
   * @throws {SegmentDeliveryError} `SEGMENT_REJECTED` on a 4xx, `SEGMENT_UNAVAILABLE` after the
   * last attempt or when the next wait would not fit the budget.
   */
  track(event: SegmentTrack, budget?: RetryBudget): Promise<void>
  /** Flushes and closes the underlying analytics client. */
  close(): Promise<void>
}

interface Answer {
  status?: number
  retryAfterMs?: number
  networkError?: unknown
}

/**
 * Wraps `@segment/analytics-node` so that `track` resolves only after Segment accepted
 * the event. Each event is sent on its own (`flushAt: 1`); retries happen here, with the
 * same `messageId`, honouring `Retry-After`, so tests can inject `sleep`.
 *
 * @example
 * const segment = createSegmentDelivery({ writeKey: process.env.SEGMENT_WRITE_KEY!, region: 'eu' })
 * await segment.track({ event: 'Feature Flag Changed', messageId, anonymousId: 'configcat-webhook' })
 */
export function createSegmentDelivery(options: SegmentDeliveryOptions): SegmentDelivery {
  const sleep = options.sleep ?? realSleep
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000
  const httpRequestTimeout = options.httpRequestTimeoutMs ?? 5_000
  const answers = new Map<string, Answer>()
  const waiting = new Map<string, (failure: unknown | undefined) => void>()

  const analytics = new Analytics({
    writeKey: options.writeKey,
    host: options.host ?? SEGMENT_HOSTS[options.region ?? 'us'],
    flushAt: 1,
    // Retries are ours (below): the library's own backoff sleeps for real and cannot be injected.
    maxRetries: 0,
    maxRateLimitDuration: 0,
    httpRequestTimeout,
    httpClient: observe(options.httpClient, answers),
  })
  analytics.on('track', (ctx) => settle(ctx.event.messageId, undefined))
  analytics.on('error', (error) => {
    const ctx = (error as { ctx?: { event: { messageId?: string } } }).ctx
    settle(ctx?.event.messageId, (error as { reason?: unknown }).reason ?? error)
  })

  function settle(messageId: string | undefined, failure: unknown): void {
    if (messageId === undefined) return
    waiting.get(messageId)?.(failure)
    waiting.delete(messageId)
  }

  function sendOnce(event: SegmentTrack, timeoutMs: number): Promise<unknown | undefined> {
    answers.delete(event.messageId)
    return new Promise((resolve) => {
      // analytics-node aborts its request after httpRequestTimeout; this also bounds its queueing.
      const timer = setTimeout(() => {
        waiting.delete(event.messageId)
        resolve(new Error(`No answer from Segment within ${timeoutMs} ms.`))
      }, timeoutMs)
      timer.unref?.()
      waiting.set(event.messageId, (failure) => {
        clearTimeout(timer)
        resolve(failure)
      })
      analytics.track(event)
    })
  }

  async function deliver(event: SegmentTrack, budget: RetryBudget): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await sendOnce(event, budget.attemptTimeout(httpRequestTimeout + 1000))
      if (failure === undefined) return
      const answer = answers.get(event.messageId)
      answers.delete(event.messageId)
      const status = answer?.status
      const reason = failure instanceof Error ? failure.message : String(failure)
      // No answer and no network error: analytics-node refused the event before sending (e.g. > 32 KB).
      const permanent =
        (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) ||
        (answer === undefined && !/timeout|abort|No answer/i.test(reason))
      if (permanent) {
        throw new SegmentDeliveryError(
          'SEGMENT_REJECTED',
          `Segment refused event ${event.messageId}${status ? ` with ${status}` : ''}: ${reason}. Check the write key and the event size (32 KB max).`,
          status,
          { cause: failure },
        )
      }
      // A Retry-After longer than we are willing to wait is honoured by failing now: the sender
      // retries later, instead of Segment being asked again too early.
      const delay = answer?.retryAfterMs ?? backoffDelay(attempt)
      if (attempt >= maxAttempts || delay > maxRetryDelayMs || !budget.reserve(delay)) {
        throw new SegmentDeliveryError(
          'SEGMENT_UNAVAILABLE',
          `Segment did not accept event ${event.messageId} after ${attempt} attempts (last: ${status ?? reason}).`,
          status,
          { cause: failure },
        )
      }
      await sleep(delay)
    }
  }

  return {
    track: (event, budget) => deliver(event, budget ?? UNLIMITED_BUDGET),
    close: () => analytics.closeAndFlush({ timeout: httpRequestTimeout }),
  }
}

/** Wraps the HTTP client to remember Segment's status and `Retry-After` per messageId. */
function observe(client: HTTPFetchFn | HTTPClient | undefined, answers: Map<string, Answer>): HTTPClient {
  const inner: HTTPClient =
    client === undefined || typeof client === 'function' ? new FetchHTTPClient(client) : client
  return {
    async makeRequest(request) {
      const messageIds = readMessageIds(request.body)
      let response: HTTPResponse
      try {
        response = await inner.makeRequest(request)
      } catch (networkError) {
        for (const id of messageIds) answers.set(id, { networkError })
        throw networkError
      }
      const retryAfter = Number.parseInt(readResponseHeader(response, 'retry-after') ?? '', 10)
      const answer: Answer = {
        status: response.status,
        ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      }
      for (const id of messageIds) answers.set(id, answer)
      return response
    },
  }
}

function readMessageIds(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { batch?: Array<{ messageId?: unknown }> }
    return (parsed.batch ?? []).flatMap((event) =>
      typeof event.messageId === 'string' ? [event.messageId] : [],
    )
  } catch {
    return []
  }
}

function readResponseHeader(response: HTTPResponse, name: string): string | undefined {
  const headers = response.headers
  if (!headers) return undefined
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(key: string): string | null }).get(name) ?? undefined
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return String(value)
  }
  return undefined
}
