import { LaunchDarklyApiError, type RelayErrorCode } from '../errors'
import { fetchWithTimeout, isTimeout } from '../http/fetchWithTimeout'
import { type RetryBudget, UNLIMITED_BUDGET } from '../http/retryBudget'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'

/**
 * The REST API version sent as `LD-API-Version`, which overrides the version the access token
 * was created with. The relay uses three endpoints, identical in `20220603` and `20240415`:
 * create segment (`POST /api/v2/segments/{proj}/{env}`), update big segment context targets
 * (`POST .../{segmentKey}/contexts`) and delete segment (`DELETE .../{segmentKey}`).
 * `20240415` changed only list endpoints (pagination, removed filters) and removed the Users
 * APIs; `20220603` reaches its end of life on 2026-12-31 (LaunchDarkly's "REST API migration
 * guide: 20220603 to 20240415", https://launchdarkly.com/docs/guides/api/api-migration-guide).
 * So the relay pins the current version and works with tokens created with either.
 */
export const LAUNCHDARKLY_API_VERSION = '20240415'

/** Connection settings shared by every LaunchDarkly REST call. */
export interface LaunchDarklyConnection {
  /** A LaunchDarkly API access token with write access to segments; sent raw in `Authorization`. */
  accessToken: string
  /** Default `https://app.launchdarkly.com` (`https://app.eu.launchdarkly.com` for the EU instance). */
  baseUrl?: string
  fetch?: typeof fetch
  /** Retries after the first attempt, for 429, 5xx, timeouts and network errors. Default 5. */
  maxRetries?: number
  /** Longest wait between attempts; a longer `Retry-After` fails the call instead. Default 60 s. */
  maxRetryDelayMs?: number
  /** Timeout of one request, headers and body. Default 10 s. */
  requestTimeoutMs?: number
  /** `LD-API-Version` header. Default {@link LAUNCHDARKLY_API_VERSION}. */
  apiVersion?: string
  sleep?: Sleep
  /** Milliseconds since the epoch, to read `X-Ratelimit-Reset`. Injectable for tests. */
  now?: () => number
}

/** One LaunchDarkly REST call. */
export interface LaunchDarklyCall {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  body?: unknown
  /** Non-2xx statuses that count as an answer rather than an error (409 on create, 404 on delete). */
  accept?: readonly number[]
  /** Time allowed for this call and its retries; default unlimited (the CLI). */
  budget?: RetryBudget
}

/**
 * Sends one LaunchDarkly REST request, retrying 429 (after `Retry-After` seconds or until
 * `X-Ratelimit-Reset` epoch ms), 5xx, timeouts and network errors with bounded backoff, never
 * past the budget. Returns the status when it is 2xx or listed in `accept`.
 *
 * @throws {LaunchDarklyApiError} for 400/401/403/404 at once, for the others after the last retry
 * or when the next wait would not fit the budget.
 */
export async function launchDarklyRequest(
  connection: LaunchDarklyConnection,
  call: LaunchDarklyCall,
): Promise<number> {
  const { method, path, body, accept = [] } = call
  const baseUrl = (connection.baseUrl ?? 'https://app.launchdarkly.com').replace(/\/+$/, '')
  const doFetch = connection.fetch ?? fetch
  const now = connection.now ?? Date.now
  const maxRetries = connection.maxRetries ?? 5
  const maxDelay = connection.maxRetryDelayMs ?? 60_000
  const requestTimeout = connection.requestTimeoutMs ?? 10_000
  const sleep = connection.sleep ?? realSleep
  const budget = call.budget ?? UNLIMITED_BUDGET
  const url = `${baseUrl}${path}`

  for (let attempt = 0; ; attempt++) {
    let status: number | undefined
    let detail: string
    let wait: number | undefined
    let networkError: unknown
    try {
      const response = await fetchWithTimeout(
        doFetch,
        url,
        {
          method,
          headers: {
            authorization: connection.accessToken,
            'content-type': 'application/json',
            'ld-api-version': connection.apiVersion ?? LAUNCHDARKLY_API_VERSION,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        budget.attemptTimeout(requestTimeout),
      )
      if (response.ok || accept.includes(response.status)) {
        await response.body?.cancel()
        return response.status
      }
      status = response.status
      wait = status === 429 ? rateLimitWait(response, now()) : undefined
      detail = await readMessage(response)
    } catch (error) {
      networkError = error
      detail = isTimeout(error)
        ? `no answer within ${budget.attemptTimeout(requestTimeout)} ms`
        : String((error as Error)?.message ?? error)
    }

    const retryable = status === undefined || status === 429 || status >= 500
    // A Retry-After longer than maxRetryDelayMs is honoured by failing now, not by asking early.
    const delay = wait ?? Math.min(maxDelay, backoffDelay(attempt + 1))
    if (!retryable || attempt >= maxRetries || delay > maxDelay || !budget.reserve(delay)) {
      throw new LaunchDarklyApiError(
        errorCode(status),
        describe(method, path, status, detail, attempt),
        status,
        { cause: networkError, ...(wait === undefined ? {} : { retryAfterMs: wait }) },
      )
    }
    await sleep(delay)
  }
}

function rateLimitWait(response: Response, nowMs: number): number | undefined {
  const retryAfter = response.headers.get('retry-after')
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000
  if (retryAfter !== null) {
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs)
  }
  const reset = Number(response.headers.get('x-ratelimit-reset'))
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset - nowMs)
  return undefined
}

async function readMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const parsed = JSON.parse(text) as { message?: unknown; code?: unknown }
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || response.statusText
}

function errorCode(status: number | undefined): RelayErrorCode {
  if (status === 400) return 'LAUNCHDARKLY_BAD_REQUEST'
  if (status === 401 || status === 403) return 'LAUNCHDARKLY_UNAUTHORIZED'
  if (status === 404) return 'LAUNCHDARKLY_NOT_FOUND'
  if (status === 429) return 'LAUNCHDARKLY_RATE_LIMITED'
  return 'LAUNCHDARKLY_UNAVAILABLE'
}

function describe(
  method: string,
  path: string,
  status: number | undefined,
  detail: string,
  retries: number,
): string {
  const what = `LaunchDarkly ${method} ${path}`
  const retried = retries > 0 ? ` after ${retries} retries` : ''
  if (status === 401 || status === 403) {
    return `${what} was refused (${status}: ${detail}). Use an API access token with write access to segments.`
  }
  if (status === 404) return `${what} found nothing (404: ${detail}). Check the project and environment keys.`
  if (status === 400) return `${what} was rejected (400: ${detail}).`
  if (status === undefined) return `${what} failed${retried}: ${detail}.`
  return `${what} still failed${retried} (${status}: ${detail}).`
}
