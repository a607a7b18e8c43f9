import { createHmac } from 'node:crypto'

/** Signs like ConfigCat: base64 HMAC-SHA256(key, id + timestamp + body). */
export function signConfigCat(key: string, id: string, timestamp: string | number, body: string): string {
  return createHmac('sha256', key).update(`${id}${timestamp}${body}`).digest('base64')
}

/** Signs like Heap: `ts:<ms>,hmac:<base64 HMAC-SHA256(secret, ts + body)>`. */
export function heapHash(secret: string, ts: number, body: string): string {
  return `ts:${ts},hmac:${createHmac('sha256', secret).update(`${ts}${body}`).digest('base64')}`
}
