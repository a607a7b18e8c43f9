import { encodeUtf8 } from './utf8'

const SUFFIX = '… (truncated)'

/** UTF-8 bytes `text` takes inside a JSON string (escapes included, quotes excluded). */
export function jsonStringBytes(text: string): number {
  return encodeUtf8(JSON.stringify(text)).length - 2
}

/**
 * `text`, cut so that it takes at most `maxBytes` UTF-8 bytes once written into a JSON string,
 * with `… (truncated)` at the end when it was cut. Counts bytes as they are sent (a CJK
 * character is 3, an escaped control character 6) and never splits a surrogate pair.
 *
 * @example
 * truncateToJsonBytes('日本語'.repeat(10_000), 1000) // ≤ 1000 bytes, ends with '… (truncated)'
 */
export function truncateToJsonBytes(text: string, maxBytes: number): string {
  if (jsonStringBytes(text) <= maxBytes) return text
  const room = maxBytes - jsonStringBytes(SUFFIX)
  let used = 0
  let end = 0
  for (const codePoint of text) {
    const bytes = jsonStringBytes(codePoint)
    if (used + bytes > room) break
    used += bytes
    end += codePoint.length
  }
  return `${text.slice(0, end)}${SUFFIX}`
}
