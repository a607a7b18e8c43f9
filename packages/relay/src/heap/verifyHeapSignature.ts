import { WebhookVerificationError } from '../errors'
import { type RelayHeaders, readHeader } from '../http/relayRequest'
import { assertFreshTimestamp, constantTimeEqual, hmacSha256Base64 } from '../http/signatureCheck'

/** What {@link verifyHeapSignature} needs. */
export interface HeapSignatureCheck {
  headers: RelayHeaders
  body: string
  /** The shared secret(s) configured for the Heap integration; several while rotating. */
  secret: string | readonly string[]
  /** Default 300. */
  toleranceSeconds?: number
  now?: () => number
}

/**
 * Heap's signature: `Heap-Hash: ts:<ms>,hmac:<base64 HMAC-SHA256(secret, ts + body)>`.
 *
 * @example
 * computeHeapSignature('secret', '1700000000000', body) // 'base64…'
 */
export function computeHeapSignature(secret: string, timestampMs: string, body: string): string {
  return hmacSha256Base64(secret, `${timestampMs}${body}`)
}

/**
 * Verifies `Heap-Hash` in constant time, then the timestamp's freshness.
 *
 * @throws {WebhookVerificationError} `SIGNATURE_MISSING`, `SIGNATURE_INVALID` or `TIMESTAMP_STALE`.
 * @example
 * verifyHeapSignature({ headers: req.headers, body: rawBody, secret: process.env.HEAP_WEBHOOK_SECRET! })
 */
export function verifyHeapSignature(check: HeapSignatureCheck): { timestampMs: number } {
  const header = readHeader(check.headers, 'heap-hash')
  if (!header) {
    throw new WebhookVerificationError(
      'SIGNATURE_MISSING',
      'Missing Heap-Hash header. Is this request from Heap?',
    )
  }
  const parts = new Map<string, string>()
  for (const part of header.split(',')) {
    const colon = part.indexOf(':')
    if (colon > 0) parts.set(part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).trim())
  }
  const ts = parts.get('ts')
  const hmac = parts.get('hmac')
  if (!ts || !hmac || !/^\d+$/.test(ts)) {
    throw new WebhookVerificationError(
      'SIGNATURE_INVALID',
      'Heap-Hash must look like "ts:<ms>,hmac:<base64>".',
    )
  }
  const secrets = (typeof check.secret === 'string' ? [check.secret] : check.secret).filter(Boolean)
  if (secrets.length === 0)
    throw new WebhookVerificationError('SIGNATURE_INVALID', 'No Heap webhook secret is configured.')
  let matched = false
  for (const secret of secrets) {
    if (constantTimeEqual(hmac, computeHeapSignature(secret, ts, check.body))) matched = true
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'SIGNATURE_INVALID',
      'The Heap-Hash signature does not match. Check the secret, and that the raw body reaches the relay unmodified.',
    )
  }
  const timestampMs = Number(ts)
  assertFreshTimestamp(timestampMs, check.now?.() ?? Date.now(), check.toleranceSeconds ?? 300)
  return { timestampMs }
}
