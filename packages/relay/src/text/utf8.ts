import { WebhookPayloadError } from '../errors'

const encoder = new TextEncoder()
// fatal: a byte sequence that is not UTF-8 is an error, not silently replaced by U+FFFD.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

/**
 * Decodes a webhook body that must be UTF-8. Called only after the signature over the raw
 * bytes was verified, so a body is never "repaired" into text the sender did not sign.
 *
 * @throws {WebhookPayloadError} when the bytes are not valid UTF-8.
 */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes)
  } catch (error) {
    throw new WebhookPayloadError('The webhook body is not valid UTF-8.', { cause: error })
  }
}

/** The bytes of `parts` one after the other. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}
