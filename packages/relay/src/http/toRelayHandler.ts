import { fromBase64 } from '../signature/base64'
import { encodeUtf8 } from '../text/utf8'
import { type RelayHandler, type RelayRequest, toHeaders } from './relayRequest'
import type { RelayContext, RelayFetchHandler } from './webhookHandler'

/**
 * Adapts a web-standard handler to event-style platforms that hand over `{ headers, body }`
 * and expect `{ status, headers, body }` back (AWS Lambda behind API Gateway, Netlify,
 * Azure Functions). `isBase64Encoded` bodies are decoded to their raw bytes first.
 *
 * @example
 * const relay = toRelayHandler(configCatHandler)
 * export const handler = async (event) => {
 *   const response = await relay({ headers: event.headers, body: event.body, isBase64Encoded: event.isBase64Encoded })
 *   return { statusCode: response.status, headers: response.headers, body: response.body }
 * }
 */
export function toRelayHandler(handler: RelayFetchHandler, context?: RelayContext): RelayHandler {
  return async (event) => {
    const method = (event.method ?? 'POST').toUpperCase()
    const request = new Request(new URL(event.path ?? '/', 'https://relay.invalid'), {
      method,
      headers: toHeaders(event.headers),
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: rawBytes(event) }),
    })
    const response = await handler(request, context)
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      headers[name] = value
    })
    return { status: response.status, headers, body: await response.text() }
  }
}

function rawBytes(event: RelayRequest): Uint8Array<ArrayBuffer> {
  const { body } = event
  if (body === null || body === undefined) return new Uint8Array(0)
  if (typeof body !== 'string') return new Uint8Array(body)
  return (event.isBase64Encoded ? fromBase64(body) : undefined) ?? encodeUtf8(body)
}
