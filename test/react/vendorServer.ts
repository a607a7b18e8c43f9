import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How a route answers: normally, with a status, or after a delay. */
export type Fault = { status: number } | { delayMs: number } | undefined

/**
 * A local stand-in for ConfigCat's CDN and LaunchDarkly's client-side endpoints, speaking
 * their documented wire formats, with CORS for jsdom's XMLHttpRequest.
 */
export async function startVendorServer() {
  let configCatConfig: object = { p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' }, f: {} }
  let launchDarklyFlags: (contextKey: string | undefined) => Record<string, unknown> = () => ({})
  const faults: { configcat?: Fault; launchdarkly?: Fault } = {}
  /** Per context: how long LaunchDarkly's evalx answer is held back, in ms. */
  let launchDarklyDelay: (context: Record<string, unknown>) => number = () => 0
  const requests: Array<{ method: string; path: string; context?: Record<string, unknown> }> = []

  const answer = async (
    res: ServerResponse,
    fault: Fault,
    body: () => { status?: number; json?: unknown; etag?: string },
  ) => {
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, { 'Access-Control-Allow-Origin': '*' }).end('failure')
      return
    }
    const { status = 200, json, etag } = body()
    const headers: Record<string, string> = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'ETag',
      'Content-Type': 'application/json',
    }
    if (etag) headers.ETag = etag
    res.writeHead(status, headers).end(json === undefined ? undefined : JSON.stringify(json))
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Allow-Methods': 'GET, POST, REPORT',
        })
        .end()
      return
    }
    const configCat = url.pathname.match(/^\/configuration-files\/(.+)\/config_v6\.json$/)
    if (configCat) {
      requests.push({ method: req.method ?? '', path: url.pathname })
      const etag = `"${JSON.stringify(configCatConfig).length}-${requests.length}"`
      void answer(res, faults.configcat, () => ({ json: configCatConfig, etag }))
      return
    }
    const evalx = url.pathname.match(/^\/sdk\/evalx\/([^/]+)\/contexts\/([^/]+)$/)
    if (evalx) {
      const context = JSON.parse(Buffer.from(evalx[2]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >
      requests.push({ method: req.method ?? '', path: url.pathname, context })
      const delayMs = launchDarklyDelay(context)
      void answer(res, faults.launchdarkly ?? (delayMs > 0 ? { delayMs } : undefined), () => ({
        json: launchDarklyFlags(context.key as string | undefined),
      }))
      return
    }
    requests.push({ method: req.method ?? '', path: url.pathname })
    res.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    requests,
    faults,
    setConfigCat(config: { f: Record<string, unknown>; p?: object }) {
      configCatConfig = { p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'salt' }, ...config }
    },
    /** LaunchDarkly `evalx` flags per context key, in the SDK's wire format. */
    setLaunchDarkly(
      flags: (contextKey: string | undefined) => Record<string, { value: unknown; variation: number }>,
    ) {
      launchDarklyFlags = (key) =>
        Object.fromEntries(
          Object.entries(flags(key)).map(([flag, { value, variation }]) => [
            flag,
            {
              value,
              variation,
              version: 1,
              flagVersion: 1,
              trackEvents: false,
              reason: { kind: 'FALLTHROUGH' },
            },
          ]),
        )
    },
    /** Holds back LaunchDarkly's evalx answer for some contexts (`() => 0` to stop). */
    delayLaunchDarkly(delay: (context: Record<string, unknown>) => number) {
      launchDarklyDelay = delay
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
