/** Who made a ConfigCat change, as far as `##ChangedBy##` tells. */
export interface ConfigCatChanger {
  fullName: string | null
  email: string | null
}

const EMAIL = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[^\s<>()[\]"',;:]+/

/**
 * Splits ConfigCat's `##ChangedBy##` text ("Full Name (email)") into name and email.
 * Also accepts `Name <email>`, a bare email, a bare name, and names that contain parentheses.
 *
 * @example
 * parseChangedBy('Jane Doe (jane@example.com)') // { fullName: 'Jane Doe', email: 'jane@example.com' }
 * parseChangedBy('jane@example.com')            // { fullName: null, email: 'jane@example.com' }
 */
export function parseChangedBy(text: string | null | undefined): ConfigCatChanger {
  const trimmed = (text ?? '').trim()
  if (!trimmed) return { fullName: null, email: null }
  const match = EMAIL.exec(trimmed)
  if (!match) return { fullName: collapse(trimmed), email: null }

  const email = match[0].toLowerCase()
  const before = trimmed.slice(0, match.index)
  const after = trimmed.slice(match.index + match[0].length)
  // Drop the bracket pair that wrapped the email, if any: "Name (email)" / "Name <email>".
  const name = collapse(`${before.replace(/[(<[]\s*$/, '')} ${after.replace(/^\s*[)>\]]/, '')}`)
    .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
    .trim()
  return { fullName: name || null, email }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
