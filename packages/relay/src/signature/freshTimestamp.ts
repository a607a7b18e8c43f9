import { WebhookVerificationError } from '../errors'

/**
 * Refuses a signed timestamp too far from now, in either direction: old ones are replays,
 * future ones would stay "fresh" forever.
 *
 * @throws {WebhookVerificationError} `TIMESTAMP_STALE`, or `SIGNATURE_INVALID` for a non-number.
 */
export function assertFreshTimestamp(timestampMs: number, nowMs: number, toleranceSeconds: number): void {
  if (!Number.isFinite(timestampMs)) {
    throw new WebhookVerificationError('SIGNATURE_INVALID', 'The webhook timestamp is not a number.')
  }
  const skewSeconds = Math.abs(nowMs - timestampMs) / 1000
  // Written so a tolerance that is no number (NaN, an unparsed setting) refuses every timestamp.
  if (!(skewSeconds <= toleranceSeconds)) {
    throw new WebhookVerificationError(
      'TIMESTAMP_STALE',
      `The webhook timestamp is ${Math.round(skewSeconds)} s away from now (tolerance ${toleranceSeconds} s). ` +
        "Replays are refused; if this is a real delivery, check the server's clock.",
    )
  }
}
