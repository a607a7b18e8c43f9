/** Header bag as Node (`IncomingHttpHeaders`), Express, a serverless event or a `Headers` object hands it over. */
export type RelayHeaders =
  | Record<string, string | readonly string[] | undefined>
  | { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void }

/**
 * A webhook as an event-style platform (AWS Lambda behind API Gateway, Netlify, Azure
 * Functions) hands it over: headers and the body exactly as received.
 */
export interface RelayRequest {
  headers: RelayHeaders
  /** The raw body. Signatures are computed over its bytes, so never re-serialize it. */
  body: string | Uint8Array | null | undefined
  /** API Gateway sets this when `body` is base64 of the raw bytes. */
  isBase64Encoded?: boolean
  /** Default `POST`. */
  method?: string
  /** Path and query, default `/`. */
  path?: string
}

/** What {@link toRelayHandler} answers; `body` is JSON text. */
export interface RelayResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** A handler in event form, see {@link toRelayHandler}. */
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

/** A web `Headers` object from any {@link RelayHeaders}. */
export function toHeaders(headers: RelayHeaders): Headers {
  const result = new Headers()
  if (typeof (headers as { forEach?: unknown }).forEach === 'function') {
    ;(headers as Headers).forEach((value, name) => {
      result.append(name, value)
    })
    return result
  }
  for (const [name, value] of Object.entries(
    headers as Record<string, string | readonly string[] | undefined>,
  )) {
    if (value === undefined) continue
    for (const one of typeof value === 'string' ? [value] : value) result.append(name, one)
  }
  return result
}
