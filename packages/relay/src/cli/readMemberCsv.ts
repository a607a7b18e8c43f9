import { RelayError } from '../errors'

/** Column names tried, in order, when no `--column` is given; otherwise the first column. */
export const DEFAULT_ID_COLUMNS = ['user_id', 'id'] as const

/**
 * Reads member ids from an exported CSV with a header row (RFC 4180 quoting, CRLF or LF,
 * optional BOM). Empty ids are skipped and duplicates collapsed.
 *
 * @throws {RelayError} `MEMBER_LIST_INVALID` when the file is empty or the column is missing.
 * @example
 * readMemberCsv('user_id,email\nu1,a@x.io\nu2,b@x.io\n') // { column: 'user_id', ids: ['u1', 'u2'] }
 */
export function readMemberCsv(text: string, column?: string): { column: string; ids: string[] } {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''))
  const header = rows.shift()
  if (!header || header.every((cell) => cell.trim() === '')) {
    throw new RelayError(
      'MEMBER_LIST_INVALID',
      'The member list is empty; it needs a header row, e.g. "user_id".',
    )
  }
  const names = header.map((cell) => cell.trim())
  const lower = names.map((name) => name.toLowerCase())
  let index: number
  if (column !== undefined) {
    index = lower.indexOf(column.toLowerCase())
    if (index < 0) {
      throw new RelayError(
        'MEMBER_LIST_INVALID',
        `The member list has no column "${column}". Its columns are: ${names.join(', ')}.`,
      )
    }
  } else {
    const found = DEFAULT_ID_COLUMNS.map((name) => lower.indexOf(name)).find((at) => at >= 0)
    index = found ?? 0
  }
  const ids = new Set<string>()
  for (const row of rows) {
    const id = row[index]?.trim()
    if (id) ids.add(id)
  }
  return { column: names[index] ?? '', ids: [...ids] }
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        cell += char
      }
    } else if (char === '"') {
      quoted = true
    } else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else {
      cell += char
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((cells) => cells.length > 1 || cells[0] !== '')
}
