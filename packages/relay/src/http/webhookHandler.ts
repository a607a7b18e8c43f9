/**
 * What a serverless platform hands a handler besides the request. `waitUntil` (Cloudflare
 * Workers' `ctx`, Vercel's `context`) keeps the invocation alive for work that continues
 * after the answer, such as the Heap handler's in-process queue.
 */
export interface RelayContext {
  waitUntil?(promise: Promise<unknown>): void
}

/**
 * A webhook handler in the web-standard form: `Request` in, `Response` out. It runs
 * unchanged on Node 20+, Cloudflare Workers, Vercel (Node and Edge), Deno and Bun;
 * {@link toNodeHandler} and {@link toRelayHandler} adapt it to `node:http` and to
 * `{ headers, body }` events.
 *
 * @example
 * // Cloudflare Workers
 * export default { fetch: (request, env, ctx) => heap(request, ctx) }
 */
export type RelayFetchHandler = (request: Request, context?: RelayContext) => Promise<Response>
