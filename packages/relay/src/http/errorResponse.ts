import { RelayError, WebhookPayloadError, WebhookVerificationError } from '../errors'
import { jsonResponse, type RelayResponse } from './relayRequest'

/**
 * Maps an error to the status the webhook sender should see: 401 for signatures, 400 for
 * bodies, 502/503 for downstream failures (senders retry those), 500 otherwise.
 */
export function errorResponse(error: unknown): RelayResponse {
  const status =
    error instanceof WebhookVerificationError
      ? 401
      : error instanceof WebhookPayloadError
        ? 400
        : error instanceof RelayError && /UNAVAILABLE|RATE_LIMITED/.test(error.code)
          ? 503
          : error instanceof RelayError
            ? 502
            : 500
  const code = error instanceof RelayError ? error.code : 'INTERNAL'
  const message = error instanceof Error ? error.message : String(error)
  return jsonResponse(status, { error: { code, message } })
}
