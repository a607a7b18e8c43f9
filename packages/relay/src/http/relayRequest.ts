/** Header bag as Node (`IncomingHttpHeaders`), Express, or a serverless platform hands it over. */
export type RelayHeaders =
  | Record<string, string | readonly string[] | undefined>
  | { get(name: string): string | null }

/** The framework-free shape of an incoming webhook: headers and the raw, unparsed body. */
export interface RelayRequest {
  headers: RelayHeaders
  /** The body exactly as received. Signatures are computed over these bytes, so never re-serialize it. */
  body: string
}

/** What a relay handler answers; `body` is JSON text. */
export interface RelayResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * A webhook handler as a pure async function, usable directly in serverless runtimes.
 *
 * @example
 * export const handler = async (event) => {
 *   const response = await relay({ headers: event.headers, body: event.body })
 *   return { statusCode: response.status, headers: response.headers, body: response.body }
 * }
 */
export type RelayHandler = (request: RelayRequest) => Promise<RelayResponse>

/** Reads one header case-insensitively; repeated headers are joined with commas. */
export function readHeader(headers: RelayHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined
  }
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(
    headers as Record<string, string | readonly string[] | undefined>,
  )) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return typeof value === 'string' ? value : value.join(',')
  }
  return undefined
}

/** Builds a JSON response. */
export function jsonResponse(status: number, payload: unknown): RelayResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  }
}
