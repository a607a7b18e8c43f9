import { RelayBusyError, WebhookPayloadTooLargeError } from '../errors'
import type { BodyBytesInFlight } from './bodyBytesInFlight'

/**
 * Reads a request body as raw bytes, refusing more than `maxBytes`: a `Content-Length` over
 * the cap is refused before reading, and a streamed body is cancelled as soon as it passes it.
 * With `inFlight`, the bytes are booked there while they are being read, and given back once the
 * body is read (or refused): that is the time anyone can make the process hold bytes, before a
 * signature can be checked. Nothing stays booked after the call, so a request the runtime drops
 * later (a Worker whose client went away) cannot keep any.
 *
 * @throws {WebhookPayloadTooLargeError} over the cap (handlers answer 413).
 * @throws {RelayBusyError} when `inFlight` is full (handlers answer 503).
 */
export async function readBodyBytes(
  request: Request,
  maxBytes: number,
  inFlight?: BodyBytesInFlight,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) throw new WebhookPayloadTooLargeError(maxBytes)
  if (!request.body) return new Uint8Array(0)

  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (size + value.byteLength > maxBytes) throw new WebhookPayloadTooLargeError(maxBytes)
      if (inFlight && !inFlight.take(value.byteLength)) throw new RelayBusyError(inFlight.limit)
      size += value.byteLength
      chunks.push(value)
    }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  } finally {
    inFlight?.give(size)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
