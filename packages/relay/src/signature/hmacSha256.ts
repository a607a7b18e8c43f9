import { encodeUtf8 } from '../text/utf8'
import { fromBase64, toBase64 } from './base64'

// Web Crypto (globalThis.crypto.subtle) rather than node:crypto, so the same code signs and
// verifies in Node, Cloudflare Workers, Vercel Edge and Deno.
function importKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encodeUtf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
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
  const key = await importKey(secret, 'sign')
  const bytes = typeof message === 'string' ? encodeUtf8(message) : message
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes)))
}

/**
 * Whether any of the base64 `signatures` is the HMAC-SHA256 of `message` under any of
 * `secrets`. `crypto.subtle.verify` compares in constant time, and every pair is checked
 * without an early exit, so timing reveals neither which secret matched nor how much of a
 * forged signature was right.
 */
export async function verifyAnyHmacSha256(
  secrets: readonly string[],
  message: Uint8Array<ArrayBuffer>,
  signatures: readonly string[],
): Promise<boolean> {
  const decoded = signatures.flatMap((signature) => {
    const bytes = fromBase64(signature)
    return bytes ? [bytes] : []
  })
  let matched = false
  for (const secret of secrets) {
    const key = await importKey(secret, 'verify')
    for (const signature of decoded) {
      if (await crypto.subtle.verify('HMAC', key, signature, message)) matched = true
    }
  }
  return matched
}
