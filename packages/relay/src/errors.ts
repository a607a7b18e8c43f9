/**
 * Every error the relay throws carries one of these codes, so callers can branch on
 * `error.code` instead of parsing messages.
 */
export type RelayErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_STALE'
  | 'PAYLOAD_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'RELAY_BUSY'
  | 'SEGMENT_REJECTED'
  | 'SEGMENT_UNAVAILABLE'
  | 'CONFIGCAT_API_ERROR'
  | 'LAUNCHDARKLY_BAD_REQUEST'
  | 'LAUNCHDARKLY_UNAUTHORIZED'
  | 'LAUNCHDARKLY_NOT_FOUND'
  | 'LAUNCHDARKLY_RATE_LIMITED'
  | 'LAUNCHDARKLY_UNAVAILABLE'
  | 'LAUNCHDARKLY_SEGMENT_BUSY'
  | 'STORE_UNAVAILABLE'
  | 'DELIVERY_IN_PROGRESS'
  | 'QUEUE_FULL'
  | 'QUEUE_UNAVAILABLE'
  | 'SYNC_OUT_OF_ORDER'
  | 'MEMBER_LIST_INVALID'
  | 'REMOVALS_OVER_LIMIT'
  | 'STATE_FILE_INVALID'
  | 'STATE_FILE_LOCKED'
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
 * Options a handler, store or CLI run cannot work with: a missing secret, a negative limit.
 * Thrown at construction, so a misconfigured relay fails at start-up, not on the first webhook.
 *
 * @example
 * createHeapWebhookHandler({ secret: process.env.HEAP_WEBHOOK_SECRET, ... })
 * // RelayConfigurationError: [flagbridge] createHeapWebhookHandler: options.secret is missing or empty ...
 */
export class RelayConfigurationError extends RelayError {
  override name = 'RelayConfigurationError'

  constructor(message: string) {
    super('INVALID_OPTIONS', message)
  }
}

/**
 * A webhook whose signature or timestamp could not be verified. Handlers answer 401.
 *
 * @example
 * try { await verifyHeapSignature(...) } catch (error) {
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

/**
 * The handler is already reading `maxBodyBytesInFlight` bytes of webhook bodies.
 * Handlers answer 503 without reading the rest; the sender retries.
 */
export class RelayBusyError extends RelayError {
  override name = 'RelayBusyError'

  constructor(limit: number) {
    super(
      'RELAY_BUSY',
      `The handler is reading ${limit} bytes of webhook bodies already (maxBodyBytesInFlight); retry later.`,
    )
  }
}

/** A webhook body over the handler's size cap. Handlers answer 413 without reading the rest. */
export class WebhookPayloadTooLargeError extends RelayError {
  override name = 'WebhookPayloadTooLargeError'
  /** The cap in bytes. */
  readonly limit: number

  constructor(limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `The webhook body is larger than ${limit} bytes. Raise the handler's maxBodyBytes if this sender is legitimate.`,
    )
    this.limit = limit
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

/** ConfigCat's Public API answered with an error (or not in time) while looking up a config's product. */
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
  /** How long LaunchDarkly asked to wait (429 `Retry-After` / `X-Ratelimit-Reset`), when it did. */
  readonly retryAfterMs: number | undefined

  constructor(
    code: RelayErrorCode,
    message: string,
    status?: number,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(code, message, options)
    this.status = status
    this.retryAfterMs = options?.retryAfterMs
  }
}

/**
 * The shared store (Redis) did not answer in time or refused a command. Handlers answer 503,
 * so the sender retries later; nothing was applied.
 */
export class RelayStoreError extends RelayError {
  override name = 'RelayStoreError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options)
  }
}

/**
 * Another attempt at the same webhook delivery is still running (here or on another
 * instance). Handlers answer 503: the sender's retry finds the delivery done, or, if the
 * other attempt died, free again once its claim expires.
 */
export class DeliveryInProgressError extends RelayError {
  override name = 'DeliveryInProgressError'

  constructor(what: string) {
    super('DELIVERY_IN_PROGRESS', `${what} is being processed by another attempt; retry later.`)
  }
}

/**
 * The in-process queue holds `maxSize` jobs (or `maxWeight`, for the Heap handler `maxQueuedKeys`
 * context keys) already. Handlers answer 503 and the sender retries.
 */
export class QueueFullError extends RelayError {
  override name = 'QueueFullError'

  constructor(limit: number, unit = 'jobs (maxSize)') {
    super('QUEUE_FULL', `The in-process queue holds ${limit} ${unit} already; retry later.`)
  }
}

/** The queue given to a handler refused a job. Handlers answer 503 and the sender retries. */
export class QueueUnavailableError extends RelayError {
  override name = 'QueueUnavailableError'

  constructor(cause: unknown) {
    super('QUEUE_UNAVAILABLE', `The queue refused the job: ${(cause as Error)?.message ?? cause}`, { cause })
  }
}

/**
 * A Heap sync page belongs to a sync task older than the last one applied to that
 * LaunchDarkly segment, so applying it could undo the newer sync. It is skipped and
 * reported to `onError`; nothing is sent to LaunchDarkly.
 */
export class OutOfOrderSyncError extends RelayError {
  override name = 'OutOfOrderSyncError'

  constructor(segmentKey: string, taskId: string, newerTaskId: string) {
    super(
      'SYNC_OUT_OF_ORDER',
      `Skipped a page of Heap sync task ${taskId} for ${segmentKey}: task ${newerTaskId}, which Heap ` +
        'started later, was already applied, and an older page must not undo it.',
    )
  }
}

/** Another worker holds the LaunchDarkly segment right now; the queue tries the job again later. */
export class SegmentBusyError extends RelayError {
  override name = 'SegmentBusyError'

  constructor(segmentKey: string) {
    super(
      'LAUNCHDARKLY_SEGMENT_BUSY',
      `LaunchDarkly segment ${segmentKey} is being updated by another worker.`,
    )
  }
}
