/**
 * `fetch` that gives up after `timeoutMs` (`AbortSignal.timeout`). Without it Node's fetch
 * waits up to 300 s for response headers, and a hung partner would hold the webhook with it.
 * The timeout covers the body too when the caller reads it before the signal fires.
 */
export function fetchWithTimeout(
  doFetch: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  return doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
}

/** Whether `error` is the abort of {@link fetchWithTimeout}. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}
