import { LaunchDarklyApiError, type RelayErrorCode } from '../errors'
import { backoffDelay, realSleep, type Sleep } from '../http/sleep'

/** Connection settings shared by every LaunchDarkly REST call. */
export interface LaunchDarklyConnection {
  /** A LaunchDarkly API access token with write access to segments; sent raw in `Authorization`. */
  accessToken: string
  /** Default `https://app.launchdarkly.com` (`https://app.eu.launchdarkly.com` for the EU instance). */
  baseUrl?: string
  fetch?: typeof fetch
  /** Retries after the first attempt, for 429 and 5xx. Default 5. */
  maxRetries?: number
  /** Cap on one wait (also for `Retry-After`). Default 60 s. */
  maxRetryDelayMs?: number
  sleep?: Sleep
  /** Milliseconds since the epoch, to read `X-Ratelimit-Reset`. Injectable for tests. */
  now?: () => number
}

/**
 * Sends one LaunchDarkly REST request, retrying 429 (after `Retry-After` seconds or until
 * `X-Ratelimit-Reset` epoch ms), 5xx and network errors with bounded backoff.
 * Returns the status when it is 2xx or listed in `accept`.
 *
 * @throws {LaunchDarklyApiError} for 400/401/403/404 at once, for 429/5xx after the last retry.
 */
export async function launchDarklyRequest(
  connection: LaunchDarklyConnection,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  accept: readonly number[] = [],
): Promise<number> {
  const baseUrl = (connection.baseUrl ?? 'https://app.launchdarkly.com').replace(/\/+$/, '')
  const doFetch = connection.fetch ?? fetch
  const sleep = connection.sleep ?? realSleep
  const now = connection.now ?? Date.now
  const maxRetries = connection.maxRetries ?? 5
  const maxDelay = connection.maxRetryDelayMs ?? 60_000
  const url = `${baseUrl}${path}`

  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined
    let networkError: unknown
    try {
      response = await doFetch(url, {
        method,
        headers: {
          authorization: connection.accessToken,
          'content-type': 'application/json',
          'ld-api-version': '20240415',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (error) {
      networkError = error
    }
    if (response && (response.ok || accept.includes(response.status))) {
      await response.body?.cancel()
      return response.status
    }

    const status = response?.status
    const detail = response
      ? await readMessage(response)
      : String((networkError as Error)?.message ?? networkError)
    const retryable = status === undefined || status === 429 || status >= 500
    if (!retryable || attempt >= maxRetries) {
      throw new LaunchDarklyApiError(
        errorCode(status),
        describe(method, path, status, detail, attempt),
        status,
        {
          cause: networkError,
        },
      )
    }
    const wait = status === 429 && response ? rateLimitWait(response, now()) : undefined
    await sleep(Math.min(maxDelay, wait ?? backoffDelay(attempt + 1)))
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
