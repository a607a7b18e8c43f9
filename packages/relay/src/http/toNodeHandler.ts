import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RelayHandler } from './relayRequest'

/** A request as `node:http` or Express hands it over; Express may already have read the body. */
export type NodeRequest = IncomingMessage & { body?: unknown }

/** Largest webhook body read into memory; Heap pages and ConfigCat bodies are far smaller. */
const MAX_BODY_BYTES = 5 * 1024 * 1024

/**
 * Adapts a {@link RelayHandler} to `(req, res)`, for `node:http` servers and Express.
 *
 * Signatures are computed over the raw bytes, so in Express mount it before any JSON
 * body parser, or with `express.raw({ type: '*\/*' })` / `express.text({ type: '*\/*' })`.
 *
 * @example
 * import { createServer } from 'node:http'
 * createServer(toNodeHandler(configCatHandler)).listen(8080)
 * // Express:
 * app.post('/webhooks/configcat', toNodeHandler(configCatHandler))
 */
export function toNodeHandler(
  handler: RelayHandler,
): (req: NodeRequest, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let body: string
    try {
      body = await readRawBody(req)
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ error: { code: 'PAYLOAD_INVALID', message: (error as Error).message } }))
      return
    }
    const response = await handler({ headers: req.headers, body }).catch((error: unknown) => ({
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        error: { code: 'INTERNAL', message: String((error as Error)?.message ?? error) },
      }),
    }))
    res.writeHead(response.status, response.headers)
    res.end(response.body)
  }
}

async function readRawBody(req: NodeRequest): Promise<string> {
  if (typeof req.body === 'string') return req.body
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8')
  if (req.body !== undefined && req.body !== null && req.readableEnded) {
    throw new Error(
      '[flagbridge] The request body was already parsed, so its signature cannot be checked. ' +
        "Mount the relay before express.json(), or use express.raw({ type: '*/*' }).",
    )
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > MAX_BODY_BYTES)
      throw new Error(`[flagbridge] Webhook body larger than ${MAX_BODY_BYTES} bytes.`)
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
