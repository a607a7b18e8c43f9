import { WebhookVerificationError } from '../errors'
import { type RelayHeaders, readHeader } from '../http/relayRequest'
import { assertFreshTimestamp } from '../signature/freshTimestamp'
import { hmacSha256Base64, verifyAnyHmacSha256 } from '../signature/hmacSha256'
import { concatBytes, encodeUtf8 } from '../text/utf8'

// The Heap-Hash format, as Heap's partner reference app defines it
// (github.com/heap/heap-api-reference, also published as heap/heap-partner-api-reference):
// - webhook_spec.yaml: "Concatenate the timestamp with the request body `${ts}${requestbody}`",
//   "Compute the SHA 256 signature using the `webhook_secret_key`", and the header example
//   `ts:150000000,hmac:XXXXXXXXX`. On its own this leaves units and encoding open.
// - bin/generateTestHeapHeaders.js, Heap's tool for signing test deliveries, settles both:
//   `let timeStamp = +Date.now()` (milliseconds) and
//   `CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA256(`${timeStamp}${dataBody}`, webhookSecret))` (base64).
// - middleware/validateHeapHeader.ts checks `ts` against `+Date.now()` and compares base64.
// The documentation is therefore not ambiguous: `ts` is epoch milliseconds and `hmac` is base64.
// Only that form is accepted; seconds or hex would be refused as stale or invalid.

/** What {@link verifyHeapSignature} needs. */
export interface HeapSignatureCheck {
  headers: RelayHeaders
  /** The body exactly as received: raw bytes, or a string taken as UTF-8. */
  body: string | Uint8Array
  /** The shared secret(s) configured for the Heap integration; several while rotating. */
  secret: string | readonly string[]
  /** Default 300. */
  toleranceSeconds?: number
  now?: () => number
}

function signedContent(timestampMs: string, body: string | Uint8Array) {
  return concatBytes(encodeUtf8(timestampMs), typeof body === 'string' ? encodeUtf8(body) : body)
}

/**
 * Heap's signature: `Heap-Hash: ts:<epoch ms>,hmac:<base64 HMAC-SHA256(secret, ts + body)>`.
 *
 * @example
 * await computeHeapSignature('secret', '1700000000000', body) // 'base64…'
 */
export function computeHeapSignature(
  secret: string,
  timestampMs: string,
  body: string | Uint8Array,
): Promise<string> {
  return hmacSha256Base64(secret, signedContent(timestampMs, body))
}

/**
 * Verifies `Heap-Hash` over the raw body bytes in constant time, then the timestamp's freshness.
 *
 * @throws {WebhookVerificationError} `SIGNATURE_MISSING`, `SIGNATURE_INVALID` or `TIMESTAMP_STALE`.
 * @example
 * await verifyHeapSignature({ headers: request.headers, body: rawBytes, secret: process.env.HEAP_WEBHOOK_SECRET! })
 */
export async function verifyHeapSignature(check: HeapSignatureCheck): Promise<{ timestampMs: number }> {
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
      'Heap-Hash must look like "ts:<epoch ms>,hmac:<base64>".',
    )
  }
  const secrets = (typeof check.secret === 'string' ? [check.secret] : check.secret).filter(Boolean)
  if (secrets.length === 0)
    throw new WebhookVerificationError('SIGNATURE_INVALID', 'No Heap webhook secret is configured.')
  if (!(await verifyAnyHmacSha256(secrets, signedContent(ts, check.body), [hmac]))) {
    throw new WebhookVerificationError(
      'SIGNATURE_INVALID',
      'The Heap-Hash signature does not match. Check the secret, and that the raw body reaches the relay unmodified.',
    )
  }
  const timestampMs = Number(ts)
  assertFreshTimestamp(timestampMs, check.now?.() ?? Date.now(), check.toleranceSeconds ?? 300)
  return { timestampMs }
}
