import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { WebhookVerificationError } from '../errors'

/** Base64 HMAC-SHA256 of `message` with `secret`, the scheme both ConfigCat and Heap use. */
export function hmacSha256Base64(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('base64')
}

/**
 * Constant-time string comparison. Both sides are hashed first so that
 * `timingSafeEqual` always sees equal lengths and the length of the secret leaks nothing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest()
  const right = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(left, right)
}

/**
 * Refuses a signed timestamp too far from now, in either direction: old ones are replays,
 * future ones would stay "fresh" forever.
 */
export function assertFreshTimestamp(timestampMs: number, nowMs: number, toleranceSeconds: number): void {
  if (!Number.isFinite(timestampMs)) {
    throw new WebhookVerificationError('SIGNATURE_INVALID', 'The webhook timestamp is not a number.')
  }
  const skewSeconds = Math.abs(nowMs - timestampMs) / 1000
  if (skewSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      'TIMESTAMP_STALE',
      `The webhook timestamp is ${Math.round(skewSeconds)} s away from now (tolerance ${toleranceSeconds} s). ` +
        "Replays are refused; if this is a real delivery, check the server's clock.",
    )
  }
}
