import { CsvError, parse } from 'csv-parse/sync'
import { RelayError } from '../errors'

/** Column names tried, in order, when no `--column` is given. */
export const DEFAULT_ID_COLUMNS = ['user_id', 'id'] as const

/**
 * Reads member ids from an exported CSV with a header row, strictly, through `csv-parse`
 * (RFC 4180 quoting, CRLF, LF or CR line ends, optional BOM): an unclosed quote, a stray quote
 * or a row with another number of fields than the header is an error naming its line, not a
 * silently different member list. The id column is `column`, else `user_id`, else `id`; a file
 * with none of them is refused unless it has a single column. Empty ids are skipped and
 * duplicates collapsed.
 *
 * @throws {RelayError} `MEMBER_LIST_INVALID`.
 * @example
 * readMemberCsv('user_id,email\nu1,a@x.io\nu2,b@x.io\n') // { column: 'user_id', ids: ['u1', 'u2'] }
 */
export function readMemberCsv(
  text: string,
  column?: string,
  source = 'The member list',
): { column: string; ids: string[] } {
  let rows: string[][]
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] })
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined
    throw new RelayError(
      'MEMBER_LIST_INVALID',
      `${source}${line ? ` line ${line}` : ''}: ${(error as Error).message.replace(/ at line \d+| on line \d+/, '')}. ` +
        'Nothing was sent; fix the file and run again.',
      { cause: error },
    )
  }
  const header = rows.shift()
  if (!header || header.every((cell) => cell.trim() === '')) {
    throw new RelayError('MEMBER_LIST_INVALID', `${source} is empty; it needs a header row, e.g. "user_id".`)
  }
  const names = header.map((cell) => cell.trim())
  const index = idColumn(names, column, source)
  const ids = new Set<string>()
  for (const row of rows) {
    const id = row[index]?.trim()
    if (id) ids.add(id)
  }
  return { column: names[index] ?? '', ids: [...ids] }
}

function idColumn(names: string[], column: string | undefined, source: string): number {
  const lower = names.map((name) => name.toLowerCase())
  const wanted = column === undefined ? DEFAULT_ID_COLUMNS : [column.toLowerCase()]
  const found = wanted.map((name) => lower.indexOf(name)).find((at) => at >= 0)
  if (found !== undefined) return found
  if (column === undefined && names.length === 1) return 0
  throw new RelayError(
    'MEMBER_LIST_INVALID',
    column === undefined
      ? `${source} has no "user_id" or "id" column (line 1: ${names.join(', ')}). Name the id column with --column.`
      : `${source} has no column "${column}". Its columns are: ${names.join(', ')}.`,
  )
}
