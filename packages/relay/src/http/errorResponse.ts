import { RelayError, type RelayErrorCode } from '../errors'
import { jsonResponse } from './jsonResponse'

// Status per code. 5xx makes ConfigCat and Heap retry; 4xx says the request itself is wrong.
const STATUS: Partial<Record<RelayErrorCode, number>> = {
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_STALE: 401,
  PAYLOAD_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  RELAY_BUSY: 503,
  SEGMENT_REJECTED: 502,
  CONFIGCAT_API_ERROR: 502,
  LAUNCHDARKLY_BAD_REQUEST: 502,
  LAUNCHDARKLY_UNAUTHORIZED: 502,
  LAUNCHDARKLY_NOT_FOUND: 502,
  SEGMENT_UNAVAILABLE: 503,
  LAUNCHDARKLY_RATE_LIMITED: 503,
  LAUNCHDARKLY_UNAVAILABLE: 503,
  LAUNCHDARKLY_SEGMENT_BUSY: 503,
  STORE_UNAVAILABLE: 503,
  DELIVERY_IN_PROGRESS: 503,
  QUEUE_FULL: 503,
  QUEUE_UNAVAILABLE: 503,
}

// What a caller is told. Whoever can reach the URL reads this, so it never carries an internal
// message (stack traces, partner API answers, configuration); the full error goes to onError.
const PUBLIC_MESSAGE: Record<number, string> = {
  400: 'The webhook body is not in the expected format.',
  401: 'The webhook signature or timestamp could not be verified.',
  413: 'The webhook body is too large.',
  500: 'Internal error.',
  502: 'A downstream service refused the event.',
  503: 'Temporarily unavailable; retry later.',
}

/** The HTTP status a webhook sender should see for `error`. */
export function errorStatus(error: unknown): number {
  return (error instanceof RelayError ? STATUS[error.code] : undefined) ?? 500
}

/**
 * Maps an error to the answer a webhook sender sees: a status (401 signature, 400 body, 413 size,
 * 502/503 downstream, 500 otherwise), the stable `code`, and a fixed message per status.
 */
export function errorResponse(error: unknown): Response {
  const status = errorStatus(error)
  const code = error instanceof RelayError && status !== 500 ? error.code : 'INTERNAL'
  return jsonResponse(status, { error: { code, message: PUBLIC_MESSAGE[status] } })
}
