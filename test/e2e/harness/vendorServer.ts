import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { HEAP_LOADER, HEAP_SNIPPET } from './heapScripts'

/** Every route the stand-in serves, by name, so a test can break one of them. */
export type RouteName =
  | 'app'
  | 'configcat'
  | 'ld-evalx'
  | 'ld-goals'
  | 'ld-events'
  | 'ld-stream'
  | 'ld-server'
  | 'segment-settings'
  | 'segment-api'
  | 'heap-snippet'
  | 'heap-loader'
  | 'heap-record'

/** What a broken route does instead of answering normally. */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed' }

export interface RecordedRequest {
  seq: number
  route: RouteName | 'unknown'
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON body when there was one, else the raw text (or undefined). */
  body: unknown
  status: number
  time: number
}

/**
 * A ConfigCat config_v6 setting: t 0 bool, 1 text, 2 int, 3 double; `r` targeting rules; `p`
 * percentage options over the user attribute `a`.
 */
export interface ConfigCatSetting {
  t: 0 | 1 | 2 | 3
  v: { b?: boolean; s?: string; i?: number; d?: number }
  i: string
  r?: unknown[]
  a?: string
  p?: Array<{ p: number; v: { b?: boolean; s?: string; i?: number; d?: number }; i: string }>
}

/** One LaunchDarkly flag as the evalx endpoint serves it. */
export interface LaunchDarklyFlag {
  value: unknown
  variation: number
  version?: number
  /**
   * The evaluation reason, sent (as LaunchDarkly does) only when the SDK asks `withReasons=true`
   * (its `evaluationReasons` option). Without one, every flag says `{ kind: 'FALLTHROUGH' }`.
   */
  reason?: { kind: string; inExperiment?: boolean }
}

/**
 * A LaunchDarkly flag defined once for both sides: the server SDK's rules (`/sdk/latest-all`)
 * and the browser's evalx answers come from it, so both evaluate a context alike.
 */
export interface LaunchDarklyFlagRules {
  variations: unknown[]
  /** The variation served to everyone not targeted. */
  fallthrough: number
  /** Context key → variation. */
  targets?: Record<string, number>
  version?: number
}

/** A decoded LaunchDarkly context (what the SDK put, base64url, in the request path). */
export type LaunchDarklyContext = {
  kind?: string
  key?: string
  anonymous?: boolean
  [name: string]: unknown
}

interface Stream {
  envId: string
  context: LaunchDarklyContext
  res: ServerResponse
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
}

function routeOf(method: string, path: string): RouteName | 'unknown' {
  if (/^\/cc\/configuration-files\/.+\/config_v6\.json$/.test(path)) return 'configcat'
  if (path.startsWith('/ld/sdk/evalx/')) return 'ld-evalx'
  if (path.startsWith('/ld/sdk/goals/')) return 'ld-goals'
  if (path.startsWith('/ld-events/')) return 'ld-events'
  if (path.startsWith('/ld-stream/eval/')) return 'ld-stream'
  if (path.startsWith('/ldserver/')) return 'ld-server'
  if (path.startsWith('/seg-cdn/v1/projects/')) return 'segment-settings'
  if (path.startsWith('/seg/')) return 'segment-api'
  if (path === '/heap-snippet.js') return 'heap-snippet'
  if (path === '/heap.js') return 'heap-loader'
  if (path === '/heap-record') return 'heap-record'
  if (method === 'GET') return 'app'
  return 'unknown'
}

function decodeContext(encoded: string): LaunchDarklyContext {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as LaunchDarklyContext
  } catch {
    return {}
  }
}

/**
 * The vendors' endpoints and the built app from one origin (no CORS): ConfigCat's CDN,
 * LaunchDarkly's evalx/goals/events/stream, Segment's settings CDN and tracking API, and
 * a Heap snippet plus a heap.js that can be held back. Every request is recorded; any
 * route can be told to fail, hang, be slow or answer malformed JSON.
 */
export async function startVendorServer(appDir: string) {
  const requests: RecordedRequest[] = []
  const faults = new Map<RouteName, { fault: Fault; times: number }>()
  const configCat = new Map<string, { body: string; etag: string }>()
  const configCatStatus = new Map<string, number>()
  const launchDarklyServer = new Map<string, Record<string, LaunchDarklyFlagRules>>()
  let proxyTarget: URL | undefined
  const launchDarkly = new Map<string, (context: LaunchDarklyContext) => Record<string, LaunchDarklyFlag>>()
  const streams = new Set<Stream>()
  const hanging = new Set<ServerResponse>()
  let heapHeld: Array<() => void> | undefined
  let seq = 0

  const takeFault = (route: RouteName | 'unknown'): Fault | undefined => {
    if (route === 'unknown') return undefined
    const entry = faults.get(route)
    if (!entry) return undefined
    if (entry.times !== Infinity) {
      entry.times--
      if (entry.times <= 0) faults.delete(route)
    }
    return entry.fault
  }

  const ldFlagsFor = (envId: string, context: LaunchDarklyContext, withReasons: boolean) => {
    const flags = launchDarkly.get(envId)?.(context) ?? {}
    const body: Record<string, unknown> = {}
    for (const [key, flag] of Object.entries(flags)) {
      const reason = flag.reason ? (withReasons ? flag.reason : undefined) : { kind: 'FALLTHROUGH' }
      body[key] = {
        value: flag.value,
        variation: flag.variation,
        version: flag.version ?? 1,
        flagVersion: flag.version ?? 1,
        trackEvents: false,
        ...(flag.reason?.inExperiment ? { trackReason: true } : {}),
        ...(reason ? { reason } : {}),
      }
    }
    return body
  }

  /** Passes a request on to the app server (Next.js) as it came, and its answer back as it goes. */
  const proxy = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, raw: Buffer) => {
    const target = proxyTarget!
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        record.status = answer.statusCode ?? 0
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', (error) => {
      record.status = 502
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' })
      res.end(String(error))
    })
    upstream.end(raw)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, raw: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    const send = (
      status: number,
      body: string,
      type = 'application/json',
      headers: Record<string, string> = {},
    ) => {
      record.status = status
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
      res.end(body)
    }

    const fault = takeFault(record.route)
    if (fault?.kind === 'hang') {
      record.status = 0
      hanging.add(res)
      res.on('close', () => hanging.delete(res))
      return
    }
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.ms))
    if (fault?.kind === 'status') return send(fault.status, JSON.stringify({ error: 'injected fault' }))
    if (fault?.kind === 'malformed')
      return send(200, '{"f": {"broken": ', 'application/json', { ETag: '"bad"' })

    switch (record.route) {
      case 'configcat': {
        const sdkKey = decodeURIComponent(
          path.slice('/cc/configuration-files/'.length, -'/config_v6.json'.length),
        )
        const failing = configCatStatus.get(sdkKey)
        if (failing) return send(failing, JSON.stringify({ error: 'injected failure' }))
        const config = configCat.get(sdkKey)
        if (!config) return send(404, '{}')
        // Browsers send the ETag as `ccetag` (no custom headers cross-origin); the Node SDK as If-None-Match.
        if (url.searchParams.get('ccetag') === config.etag || req.headers['if-none-match'] === config.etag) {
          record.status = 304
          res.writeHead(304, { ETag: config.etag })
          return res.end()
        }
        return send(200, config.body, 'application/json', { ETag: config.etag })
      }
      case 'ld-evalx': {
        const [envId = '', , encoded = ''] = path.slice('/ld/sdk/evalx/'.length).split('/')
        record.body = decodeContext(encoded)
        const withReasons = url.searchParams.get('withReasons') === 'true'
        return send(200, JSON.stringify(ldFlagsFor(envId, record.body as LaunchDarklyContext, withReasons)))
      }
      case 'ld-server': {
        // @launchdarkly/node-server-sdk in polling mode: GET {baseUri}/sdk/latest-all, the SDK key as Authorization.
        const rules = launchDarklyServer.get(String(req.headers.authorization ?? ''))
        if (!rules || path !== '/ldserver/sdk/latest-all') return send(401, '{}')
        const flags: Record<string, unknown> = {}
        for (const [key, flag] of Object.entries(rules)) {
          const byVariation = new Map<number, string[]>()
          for (const [contextKey, variation] of Object.entries(flag.targets ?? {}))
            byVariation.set(variation, [...(byVariation.get(variation) ?? []), contextKey])
          flags[key] = {
            key,
            version: flag.version ?? 1,
            on: true,
            targets: [...byVariation].map(([variation, values]) => ({ variation, values })),
            contextTargets: [],
            rules: [],
            prerequisites: [],
            fallthrough: { variation: flag.fallthrough },
            offVariation: 0,
            variations: flag.variations,
            clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: true },
            clientSide: true,
            salt: `${key}-salt`,
            trackEvents: false,
            trackEventsFallthrough: false,
            deleted: false,
          }
        }
        return send(200, JSON.stringify({ flags, segments: {} }))
      }
      case 'ld-goals':
        return send(200, '[]')
      case 'ld-events':
        return send(202, '')
      case 'ld-stream': {
        const [envId = '', encoded = ''] = path.slice('/ld-stream/eval/'.length).split('/')
        const context = decodeContext(encoded)
        record.body = context
        record.status = 200
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache',
          Connection: 'keep-alive',
        })
        const withReasons = url.searchParams.get('withReasons') === 'true'
        res.write(`event: put\ndata: ${JSON.stringify(ldFlagsFor(envId, context, withReasons))}\n\n`)
        const stream = { envId, context, res }
        streams.add(stream)
        res.on('close', () => streams.delete(stream))
        return
      }
      case 'segment-settings': {
        const writeKey = decodeURIComponent(path.split('/')[4] ?? '')
        const host = req.headers.host ?? ''
        return send(
          200,
          JSON.stringify({
            integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${host}/seg`, protocol: 'http' } },
            plan: { track: { __default: { enabled: true, integrations: {} } } },
            metrics: { sampleRate: 0 },
          }),
        )
      }
      case 'segment-api':
        return send(200, '{"success":true}')
      case 'heap-snippet':
        return send(200, HEAP_SNIPPET, MIME['.js'])
      case 'heap-loader':
        if (heapHeld) {
          record.status = 0
          heapHeld.push(() => {
            record.status = 200
            if (!res.writableEnded) send(200, HEAP_LOADER, MIME['.js'])
          })
          hanging.add(res)
          res.on('close', () => hanging.delete(res))
          return
        }
        return send(200, HEAP_LOADER, MIME['.js'])
      case 'heap-record':
        return send(204, '')
      case 'app': {
        if (path === '/blank') return send(200, '<!doctype html><title>blank</title>', MIME['.html'])
        if (proxyTarget) return proxy(req, res, record, raw)
        const file = path === '/' || !extname(path) ? 'index.html' : normalize(path).replace(/^([/\\])+/, '')
        if (file.includes('..')) return send(403, '')
        try {
          const content = await readFile(join(appDir, file))
          record.status = 200
          res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' })
          return res.end(content)
        } catch {
          return send(404, 'not found', 'text/plain')
        }
      }
      default:
        // Server Actions are POSTs to the page's own path.
        if (proxyTarget) return proxy(req, res, record, raw)
        return send(404, '{}')
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const raw = Buffer.concat(chunks)
      const text = raw.toString('utf8')
      let body: unknown = text.length > 0 ? text : undefined
      try {
        if (text) body = JSON.parse(text)
      } catch {}
      const record: RecordedRequest = {
        seq: ++seq,
        route: routeOf(req.method ?? 'GET', url.pathname),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        status: 0,
        time: Date.now(),
      }
      requests.push(record)
      handle(req, res, record, raw).catch((error: unknown) => {
        record.status = 500
        if (!res.headersSent) res.writeHead(500)
        res.end(String(error))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    /** Requests of one route (optionally only those answered with `status`). */
    of(route: RouteName, status?: number) {
      return requests.filter((r) => r.route === route && (status === undefined || r.status === status))
    },
    /** Breaks a route for the next `times` requests (default: until `heal`). */
    fault(route: RouteName, fault: Fault, times = Infinity) {
      faults.set(route, { fault, times })
    },
    heal(route?: RouteName) {
      if (route) faults.delete(route)
      else faults.clear()
    },
    /** Serves (or replaces) a ConfigCat config for an SDK key; a new body gets a new ETag. */
    setConfigCat(sdkKey: string, settings: Record<string, ConfigCatSetting>) {
      const body = JSON.stringify({
        p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'e2e-salt' },
        f: settings,
      })
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`
      configCat.set(sdkKey, { body, etag })
    },
    /** From now on, what no stand-in route serves goes to the app server at `origin` (Next.js). */
    proxyApp(origin: string) {
      proxyTarget = new URL(origin)
    },
    /** ConfigCat answers `status` for this SDK key (browser and server SDKs alike), or normally again with `undefined`. */
    failConfigCat(sdkKey: string, status: number | undefined) {
      if (status === undefined) configCatStatus.delete(sdkKey)
      else configCatStatus.set(sdkKey, status)
    },
    /**
     * Defines LaunchDarkly flags once for both sides: the server SDK with `sdkKey` gets the rules
     * (`/ldserver/sdk/latest-all`), the browser's evalx for `envId` the values they give a context.
     */
    setLaunchDarklyRules(envId: string, sdkKey: string, rules: Record<string, LaunchDarklyFlagRules>) {
      launchDarklyServer.set(sdkKey, rules)
      launchDarkly.set(envId, (context) => {
        const flags: Record<string, LaunchDarklyFlag> = {}
        for (const [key, flag] of Object.entries(rules)) {
          const targeted = context.key === undefined ? undefined : flag.targets?.[context.key]
          const variation = targeted ?? flag.fallthrough
          flags[key] = { value: flag.variations[variation], variation, version: flag.version ?? 1 }
        }
        return flags
      })
    },
    /** Serves LaunchDarkly flags for an environment, computed from the requesting context. */
    setLaunchDarkly(
      envId: string,
      flags: (context: LaunchDarklyContext) => Record<string, LaunchDarklyFlag>,
    ) {
      launchDarkly.set(envId, flags)
    },
    /** Open LaunchDarkly streams for an environment. */
    streams: (envId: string) => [...streams].filter((stream) => stream.envId === envId),
    /** Pushes a stream `patch` to every open stream of the environment; returns how many got it. */
    patchLaunchDarkly(envId: string, key: string, flag: LaunchDarklyFlag) {
      const data = {
        key,
        value: flag.value,
        variation: flag.variation,
        version: flag.version ?? 2,
        flagVersion: flag.version ?? 2,
        trackEvents: false,
        reason: { kind: 'FALLTHROUGH' },
      }
      let sent = 0
      for (const stream of streams) {
        if (stream.envId !== envId) continue
        stream.res.write(`event: patch\ndata: ${JSON.stringify(data)}\n\n`)
        sent++
      }
      return sent
    },
    /** From now on heap.js is held until `releaseHeap()` (or forever). */
    holdHeap() {
      heapHeld ??= []
    },
    releaseHeap() {
      const held = heapHeld ?? []
      heapHeld = undefined
      for (const release of held) release()
    },
    /** Forgets recorded requests and faults between scenarios (config stays, keys are per scenario). */
    reset() {
      requests.length = 0
      faults.clear()
      heapHeld = undefined
      for (const stream of streams) stream.res.end()
      streams.clear()
      for (const res of hanging) res.destroy()
      hanging.clear()
    },
    async close() {
      for (const stream of streams) stream.res.end()
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type VendorServer = Awaited<ReturnType<typeof startVendorServer>>
