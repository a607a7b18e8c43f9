/**
 * The first key that appears twice in one object of a JSON text (compared after unescaping,
 * so `"a"` and `"\u0061"` collide), or `undefined`. `JSON.parse` silently keeps the last of
 * duplicate keys; webhook bodies filled by text substitution must refuse them instead.
 * Expects text `JSON.parse` accepted.
 *
 * @example
 * findDuplicateJsonKey('{"a":1,"b":{"a":2},"a":3}') // 'a'
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  // One entry per open object (its keys so far) or array (null).
  const open: Array<Set<string> | null> = []
  let expectKey = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (char === '"') {
      const end = endOfString(text, index)
      const keys = open[open.length - 1]
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(index, end + 1)) as string
        if (keys.has(key)) return key
        keys.add(key)
        expectKey = false
      }
      index = end
    } else if (char === '{') {
      open.push(new Set())
      expectKey = true
    } else if (char === '[') {
      open.push(null)
      expectKey = false
    } else if (char === '}' || char === ']') {
      open.pop()
      expectKey = false
    } else if (char === ',') {
      expectKey = open[open.length - 1] instanceof Set
    }
  }
  return undefined
}

/** Index of the quote that closes the string opening at `start`. */
function endOfString(text: string, start: number): number {
  let index = start + 1
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1
  return index
}
