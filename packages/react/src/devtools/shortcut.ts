/** A parsed keyboard shortcut such as `Alt+Shift+F`. */
interface Shortcut {
  alt: boolean
  shift: boolean
  ctrl: boolean
  meta: boolean
  key: string
}

/** `'Alt+Shift+F'` → modifiers and key; modifier names are case-insensitive. */
export function parseShortcut(text: string): Shortcut {
  const parts = text.split('+').map((part) => part.trim().toLowerCase())
  const key = parts.pop() ?? ''
  return {
    alt: parts.includes('alt') || parts.includes('option'),
    shift: parts.includes('shift'),
    ctrl: parts.includes('ctrl') || parts.includes('control'),
    meta: parts.includes('meta') || parts.includes('cmd') || parts.includes('command'),
    key,
  }
}

/**
 * Matches on `event.code` for letters and digits (Alt+Shift+F types "Ï" on a Mac, so
 * `event.key` would never be "f"), on `event.key` for anything else ("Escape", "F2").
 */
export function matchesShortcut(event: KeyboardEvent, shortcut: Shortcut): boolean {
  if (
    event.altKey !== shortcut.alt ||
    event.shiftKey !== shortcut.shift ||
    event.ctrlKey !== shortcut.ctrl ||
    event.metaKey !== shortcut.meta
  )
    return false
  const { key } = shortcut
  if (/^[a-z]$/.test(key)) return event.code === `Key${key.toUpperCase()}`
  if (/^[0-9]$/.test(key)) return event.code === `Digit${key}`
  return event.key.toLowerCase() === key
}
