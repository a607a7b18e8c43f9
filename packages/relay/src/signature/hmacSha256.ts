import { encodeUtf8 } from '../text/utf8'
import { fromBase64, toBase64 } from './base64'

// Web Crypto (globalThis.crypto.subtle) rather than node:crypto, so the same code signs and
// verifies in Node, Cloudflare Workers, Vercel Edge and Deno.
function importKey(secret: string): Promise<CryptoKey> {
  const algorithm = { name: 'HMAC', hash: 'SHA-256' }
  return crypto.subtle.importKey('raw', encodeUtf8(secret), algorithm, false, ['sign'])
}

/**
 * Base64 HMAC-SHA256 of `message` (its bytes; a string is taken as UTF-8) with `secret`, the
 * scheme both ConfigCat and Heap use.
 *
 * @example
 * await hmacSha256Base64('secret', 'message') // 'i19IcCmVwVmMVz2x4hhmqbgl1KeU0WnXBgoDYFeWNgs='
 */
export async function hmacSha256Base64(
  secret: string,
  message: string | Uint8Array<ArrayBuffer>,
): Promise<string> {
  const key = await importKey(secret)
  const bytes = typeof message === 'string' ? encodeUtf8(message) : message
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes)))
}

/** Bytes of an HMAC-SHA256. */
const HMAC_SHA256_BYTES = 32

/**
 * Whether any of the base64 `signatures` is the HMAC-SHA256 of `message` under any of
 * `secrets`. The HMAC is computed once per secret, whatever the number of signatures (a forged
 * header can list thousands before anything is verified), and compared with every signature of
 * the right length without an early exit, so timing reveals neither which secret matched nor how
 * much of a forged signature was right.
 */
export async function verifyAnyHmacSha256(
  secrets: readonly string[],
  message: Uint8Array<ArrayBuffer>,
  signatures: readonly string[],
): Promise<boolean> {
  const decoded = signatures.flatMap((signature) => {
    const bytes = fromBase64(signature)
    return bytes?.length === HMAC_SHA256_BYTES ? [bytes] : []
  })
  if (decoded.length === 0) return false
  let matched = false
  for (const secret of secrets) {
    const key = await importKey(secret)
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, message))
    for (const signature of decoded) {
      if (equalInConstantTime(expected, signature)) matched = true
    }
  }
  return matched
}

/** Compares two byte arrays of the same length, always looking at every byte. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ (b[index] ?? 0)
  return difference === 0
}
