import { WebhookVerificationError } from '../errors'
import { type RelayHeaders, readHeader } from '../http/relayRequest'
import { assertFreshTimestamp } from '../signature/freshTimestamp'
import { hmacSha256Base64, verifyAnyHmacSha256 } from '../signature/hmacSha256'
import { concatBytes, encodeUtf8 } from '../text/utf8'

/** Default accepted distance between ConfigCat's signed timestamp and the local clock. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300

/** The signed content: UTF-8 of `id + timestamp`, then the body's raw bytes as received. */
function signedContent(webhookId: string, timestamp: string, body: string | Uint8Array) {
  return concatBytes(
    encodeUtf8(`${webhookId}${timestamp}`),
    typeof body === 'string' ? encodeUtf8(body) : body,
  )
}

/**
 * ConfigCat's V1 webhook signature: base64 HMAC-SHA256 of `id + timestamp + body`, keyed with
 * the webhook's signing key. A string body is taken as UTF-8; pass the raw bytes when you have them.
 *
 * @example
 * await computeConfigCatSignature(
 *   'configcat_whsk_VN3juirnVh5pNvCKd81RYRYchxUX4j3NykbZG2fAy88=',
 *   'b616ca659d154a5fb907dd8475792eeb', '1669629035', 'examplebody',
 * ) // 'Ks3cYsu9Lslfo+hVxNC3oQWnsF9e5d73TI5t94D9DRA='
 */
export function computeConfigCatSignature(
  signingKey: string,
  webhookId: string,
  timestamp: string,
  body: string | Uint8Array,
): Promise<string> {
  return hmacSha256Base64(signingKey, signedContent(webhookId, timestamp, body))
}

/** What {@link verifyConfigCatSignature} needs. */
export interface ConfigCatSignatureCheck {
  headers: RelayHeaders
  /** The body exactly as received: raw bytes, or a string taken as UTF-8. */
  body: string | Uint8Array
  /** Primary and (while rotating) secondary signing key from ConfigCat's webhook settings. */
  signingKeys: readonly string[]
  /** Default 300. */
  toleranceSeconds?: number
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
}

/** The verified delivery identity. */
export interface VerifiedConfigCatDelivery {
  /** Different on every request, retries included (see `changeDeliveries.ts`). */
  webhookId: string
  /** Unix seconds, as ConfigCat sent it. */
  timestamp: number
}

/**
 * Verifies `X-ConfigCat-Webhook-Signature-V1` (any of its comma-separated signatures against
 * any signing key, in constant time, over the raw body bytes) and the timestamp's freshness.
 *
 * @throws {WebhookVerificationError} `SIGNATURE_MISSING`, `SIGNATURE_INVALID` or `TIMESTAMP_STALE`.
 * @example
 * const { webhookId } = await verifyConfigCatSignature({ headers, body: rawBytes, signingKeys: [primary, secondary] })
 */
export async function verifyConfigCatSignature(
  check: ConfigCatSignatureCheck,
): Promise<VerifiedConfigCatDelivery> {
  const webhookId = readHeader(check.headers, 'x-configcat-webhook-id')?.trim()
  const timestamp = readHeader(check.headers, 'x-configcat-webhook-timestamp')?.trim()
  const signatureHeader = readHeader(check.headers, 'x-configcat-webhook-signature-v1')
  if (!webhookId || !timestamp || !signatureHeader) {
    throw new WebhookVerificationError(
      'SIGNATURE_MISSING',
      'Missing X-ConfigCat-Webhook-ID, X-ConfigCat-Webhook-Timestamp or X-ConfigCat-Webhook-Signature-V1. ' +
        'Is this request really from a ConfigCat webhook?',
    )
  }
  const keys = check.signingKeys.filter((key) => key.length > 0)
  if (keys.length === 0) {
    throw new WebhookVerificationError('SIGNATURE_INVALID', 'No ConfigCat signing key is configured.')
  }
  const received = signatureHeader
    .split(',')
    .map((signature) => signature.trim())
    .filter(Boolean)
  if (!(await verifyAnyHmacSha256(keys, signedContent(webhookId, timestamp, check.body), received))) {
    throw new WebhookVerificationError(
      'SIGNATURE_INVALID',
      'The ConfigCat webhook signature does not match. Check the signing keys, and that the raw body reaches the relay unmodified.',
    )
  }

  // Checked after the signature, so an attacker cannot probe the clock without a valid key.
  const seconds = /^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN
  const now = check.now?.() ?? Date.now()
  assertFreshTimestamp(seconds * 1000, now, check.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS)
  return { webhookId, timestamp: seconds }
}
