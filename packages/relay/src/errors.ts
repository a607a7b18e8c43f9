/**
 * Every error the relay throws carries one of these codes, so callers can branch on
 * `error.code` instead of parsing messages.
 */
export type RelayErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_STALE'
  | 'PAYLOAD_INVALID'
  | 'SEGMENT_REJECTED'
  | 'SEGMENT_UNAVAILABLE'
  | 'CONFIGCAT_API_ERROR'
  | 'LAUNCHDARKLY_BAD_REQUEST'
  | 'LAUNCHDARKLY_UNAUTHORIZED'
  | 'LAUNCHDARKLY_NOT_FOUND'
  | 'LAUNCHDARKLY_RATE_LIMITED'
  | 'LAUNCHDARKLY_UNAVAILABLE'
  | 'MEMBER_LIST_INVALID'
  | 'STATE_FILE_INVALID'
  | 'INVALID_OPTIONS'

/** Base class of every relay error: a stable `code`, a message that says how to fix it. */
export class RelayError extends Error {
  override name = 'RelayError'
  readonly code: RelayErrorCode

  constructor(code: RelayErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[flagbridge] ${message}`, options)
    this.code = code
  }
}

/**
 * A webhook whose signature or timestamp could not be verified. Handlers answer 401.
 *
 * @example
 * try { verifyHeapSignature(...) } catch (error) {
 *   if (error instanceof WebhookVerificationError) console.warn(error.code)
 * }
 */
export class WebhookVerificationError extends RelayError {
  override name = 'WebhookVerificationError'
}

/** A webhook body that is not what the relay expects. Handlers answer 400. */
export class WebhookPayloadError extends RelayError {
  override name = 'WebhookPayloadError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('PAYLOAD_INVALID', message, options)
  }
}

/** Segment did not accept an event: `SEGMENT_REJECTED` (4xx, don't retry) or `SEGMENT_UNAVAILABLE`. */
export class SegmentDeliveryError extends RelayError {
  override name = 'SegmentDeliveryError'
  /** HTTP status of Segment's last answer, when there was one. */
  readonly status: number | undefined

  constructor(
    code: 'SEGMENT_REJECTED' | 'SEGMENT_UNAVAILABLE',
    message: string,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.status = status
  }
}

/** ConfigCat's Public API answered with an error while looking up a config's product. */
export class ConfigCatApiError extends RelayError {
  override name = 'ConfigCatApiError'
  readonly status: number | undefined

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super('CONFIGCAT_API_ERROR', message, options)
    this.status = status
  }
}

/** LaunchDarkly's REST API refused a request, or stayed unavailable after the bounded retries. */
export class LaunchDarklyApiError extends RelayError {
  override name = 'LaunchDarklyApiError'
  /** HTTP status of LaunchDarkly's last answer, when there was one. */
  readonly status: number | undefined

  constructor(code: RelayErrorCode, message: string, status?: number, options?: { cause?: unknown }) {
    super(code, message, options)
    this.status = status
  }
}
