/** A flag value or payload as text (rendered as a text node, never as HTML). */
export function formatValue(value: unknown, indent?: number): string {
  if (value === undefined) return '—'
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value, null, indent) ?? String(value)
  } catch {
    return String(value)
  }
}

/** `14:03:07` in the visitor's locale. */
export function formatTime(time: number | Date | undefined): string {
  if (time === undefined) return '—'
  return new Date(time).toLocaleTimeString()
}
