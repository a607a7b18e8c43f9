import { WebhookPayloadTooLargeError } from '../errors'

/**
 * Reads a request body as raw bytes, refusing more than `maxBytes`: a `Content-Length` over
 * the cap is refused before reading, and a streamed body is cancelled as soon as it passes it.
 *
 * @throws {WebhookPayloadTooLargeError} over the cap (handlers answer 413).
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) throw new WebhookPayloadTooLargeError(maxBytes)
  if (!request.body) return new Uint8Array(0)

  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new WebhookPayloadTooLargeError(maxBytes)
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
