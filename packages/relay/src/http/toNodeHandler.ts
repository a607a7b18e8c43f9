import type { IncomingMessage, ServerResponse } from 'node:http'
import { encodeUtf8 } from '../text/utf8'
import { type RelayHeaders, toHeaders } from './relayRequest'
import type { RelayContext, RelayFetchHandler } from './webhookHandler'

/** A request as `node:http` or Express hands it over; Express may already have read the body. */
export type NodeRequest = IncomingMessage & { body?: unknown }

const ALREADY_PARSED =
  '[flagbridge] The request body was already parsed, so its signature cannot be checked. ' +
  "Mount the relay before express.json(), or use express.raw({ type: '*/*' })."

/**
 * Adapts a web-standard handler to `(req, res)`, for `node:http` servers and Express. The body
 * is streamed to the handler, which enforces its own size cap (answering 413) and verifies
 * signatures over the raw bytes.
 *
 * In Express, mount it before any JSON body parser, or behind `express.raw({ type: '*\/*' })`.
 *
 * @example
 * import { createServer } from 'node:http'
 * createServer(toNodeHandler(configCatHandler)).listen(8080)
 * // Express:
 * app.post('/webhooks/configcat', toNodeHandler(configCatHandler))
 */
export function toNodeHandler(
  handler: RelayFetchHandler,
  context?: RelayContext,
): (req: NodeRequest, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let abandoned = false
    const body = requestBody(req, () => {
      abandoned = true
    })
    if (body === 'parsed') {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ error: { code: 'PAYLOAD_INVALID', message: ALREADY_PARSED } }))
      return
    }
    const method = req.method ?? 'GET'
    const request = new Request(new URL(req.url ?? '/', 'http://localhost'), {
      method,
      headers: toHeaders(req.headers as RelayHeaders),
      ...(method === 'GET' || method === 'HEAD' ? {} : { body, duplex: 'half' }),
    } as RequestInit)
    let response: Response
    try {
      response = await handler(request, context)
    } catch {
      response = new Response(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error.' } }), {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      })
    }
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      headers[name] = value
    })
    // The handler stopped reading (body over its cap): the rest is not worth receiving.
    if (abandoned) headers.connection = 'close'
    res.writeHead(response.status, headers)
    res.end(new Uint8Array(await response.arrayBuffer()))
    if (abandoned) res.once('finish', () => req.destroy())
  }
}

function requestBody(
  req: NodeRequest,
  onCancel: () => void,
): ReadableStream<Uint8Array> | Uint8Array | 'parsed' {
  if (typeof req.body === 'string') return encodeUtf8(req.body)
  if (req.body instanceof Uint8Array) return new Uint8Array(req.body)
  if (req.body !== undefined && req.body !== null && req.readableEnded) return 'parsed'
  const chunks = req[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(typeof value === 'string' ? encodeUtf8(value) : (value as Uint8Array))
    },
    cancel() {
      onCancel()
      req.pause()
    },
  })
}
