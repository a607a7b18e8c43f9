import { createHmac } from 'node:crypto'

// node:crypto on purpose: the relay signs with Web Crypto, so these helpers are an independent
// implementation of the same schemes.

/** Signs like ConfigCat: base64 HMAC-SHA256(key, id + timestamp + body), over the body's bytes. */
export function signConfigCat(
  key: string,
  id: string,
  timestamp: string | number,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', key).update(`${id}${timestamp}`).update(body).digest('base64')
}

/**
 * Signs like Heap: `ts:<epoch ms>,hmac:<base64 HMAC-SHA256(secret, ts + body)>`, as Heap's own
 * bin/generateTestHeapHeaders.js does (github.com/heap/heap-api-reference): `+Date.now()` and
 * `CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA256(`${timeStamp}${dataBody}`, secret))`.
 */
export function heapHash(secret: string, ts: number, body: string | Uint8Array): string {
  return `ts:${ts},hmac:${createHmac('sha256', secret).update(`${ts}`).update(body).digest('base64')}`
}
