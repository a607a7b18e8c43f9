import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import {
  type DashboardState,
  type DemoFault,
  type DemoFlag,
  type DemoVendor,
  projectFromConfigCatKey,
  STAND_IN_PREFIX,
  toConfigCatConfig,
  toLaunchDarklyFlag,
  toLaunchDarklyFlags,
} from '../stories/support/vendorDashboard.ts'

// A local stand-in for the vendors' endpoints, mounted on the Storybook dev server (and on
// the story test's static server), so the real SDKs really fetch and post without an
// account or the internet: ConfigCat's config_v6.json, LaunchDarkly's evalx, goals,
// events and eval stream, Segment's settings CDN and tracking API. Each demo project (one
// story render) has its own "vendor dashboard" that stories change over HTTP.

interface Stream {
  res: ServerResponse
  contextKey: string | undefined
}

export interface StandInProject {
  state: DashboardState
  /** Segment API calls as they arrived: `{ path: 't' | 'i' | ..., body }`. */
  segment: Array<{ path: string; body: unknown }>
  requests: Array<{ method: string; path: string }>
  streams: Set<Stream>
  launchDarklyVersion: number
  configCatVersion: number
}

type Next = (error?: unknown) => void

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
  res.end(body === undefined ? undefined : JSON.stringify(body))
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      text += chunk
    })
    req.on('end', () => resolve(text))
    req.on('error', reject)
  })

const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}

function contextKeyOf(encoded: string): string | undefined {
  try {
    const context = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as {
      key?: string
      anonymous?: boolean
    }
    // Per-user values target user ids; anonymous contexts get the everyone value.
    return context.anonymous ? undefined : context.key
  } catch {
    return undefined
  }
}

/** The stand-in's request handler (connect-style), with its projects. */
export function createVendorStandIn() {
  const projects = new Map<string, StandInProject>()
  const project = (name: string): StandInProject => {
    let found = projects.get(name)
    if (!found) {
      found = {
        state: { configcat: {}, launchdarkly: {} },
        segment: [],
        requests: [],
        streams: new Set(),
        launchDarklyVersion: 1,
        configCatVersion: 1,
      }
      projects.set(name, found)
    }
    return found
  }

  /** Answers after the vendor's fault: 503 when down; when slow, never (until the page goes). */
  const faulty = (res: ServerResponse, fault: DemoFault | undefined): boolean => {
    if (fault === 'down') {
      json(res, 503, { message: 'demo vendor is down' })
      return true
    }
    if (fault === 'slow') {
      // Keep the request open; the browser closes it when the story goes away.
      res.on('close', () => res.end())
      return true
    }
    return false
  }

  const pushLaunchDarkly = (target: StandInProject, key: string, flag: DemoFlag | undefined) => {
    target.launchDarklyVersion++
    for (const stream of target.streams) {
      const data = flag
        ? { key, ...toLaunchDarklyFlag(flag, stream.contextKey, target.launchDarklyVersion) }
        : { key, version: target.launchDarklyVersion }
      stream.res.write(`event: ${flag ? 'patch' : 'delete'}\ndata: ${JSON.stringify(data)}\n\n`)
    }
  }

  async function handleStandIn(req: IncomingMessage, res: ServerResponse, path: string[]) {
    // /__vendors/ping, /__vendors/projects/:project[/flags|/faults|/received]
    if (path[0] === 'ping') return json(res, 200, { standIn: true })
    if (path[0] === 'segment' && path[1] && path[2] && req.method === 'POST') {
      // /__vendors/segment/:project/:t|i|p|g|a — Segment's tracking API.
      const target = project(path[1])
      target.segment.push({ path: path[2], body: parseJson(await readBody(req)) })
      return json(res, 200, { success: true })
    }
    if (path[0] === 'segment-cdn' && path[4] === 'settings') {
      // /__vendors/segment-cdn/v1/projects/:writeKey/settings — Segment's settings CDN.
      const writeKey = path[3] ?? ''
      project(writeKey).requests.push({ method: 'GET', path: 'segment settings' })
      return json(res, 200, {
        integrations: {
          'Segment.io': {
            apiKey: writeKey,
            apiHost: `${req.headers.host}${STAND_IN_PREFIX}/segment/${writeKey}`,
            protocol: 'http',
          },
        },
        plan: {
          track: { __default: { enabled: true, integrations: {} } },
          identify: { __default: { enabled: true } },
        },
        remotePlugins: [],
      })
    }
    if (path[0] !== 'projects' || !path[1]) return json(res, 404, { error: 'unknown stand-in route' })
    const target = project(path[1])
    if (req.method === 'GET' && path[2] === 'received') {
      return json(res, 200, { segment: target.segment, requests: target.requests })
    }
    if (req.method !== 'POST') return json(res, 405, { error: 'POST expected' })
    const body = parseJson(await readBody(req)) as Record<string, unknown>
    if (path[2] === undefined) {
      // A fresh dashboard for this project.
      target.state = {
        configcat: (body.configcat as DashboardState['configcat']) ?? {},
        launchdarkly: (body.launchdarkly as DashboardState['launchdarkly']) ?? {},
        faults: (body.faults as DashboardState['faults']) ?? {},
      }
      return json(res, 200, target.state)
    }
    if (path[2] === 'flags') {
      const { vendor, key, flag } = body as { vendor: DemoVendor; key: string; flag: DemoFlag | null }
      if (flag) target.state[vendor][key] = flag
      else delete target.state[vendor][key]
      if (vendor === 'launchdarkly') pushLaunchDarkly(target, key, flag ?? undefined)
      else target.configCatVersion++
      return json(res, 200, target.state)
    }
    if (path[2] === 'faults') {
      target.state.faults = body as DashboardState['faults']
      return json(res, 200, target.state)
    }
    return json(res, 404, { error: 'unknown stand-in route' })
  }

  return {
    projects,
    /** Connect middleware: answers vendor routes, passes everything else on. */
    async middleware(req: IncomingMessage, res: ServerResponse, next: Next) {
      try {
        const url = new URL(req.url ?? '/', 'http://stand-in')
        const { pathname } = url
        // A static build ships vendor-mode.json with `standIn: false`; the stand-in answers first.
        if (pathname === '/vendor-mode.json') return json(res, 200, { standIn: true })
        if (pathname.startsWith(`${STAND_IN_PREFIX}/`)) {
          await handleStandIn(req, res, pathname.slice(STAND_IN_PREFIX.length + 1).split('/'))
          return
        }
        const configCat = pathname.match(/^\/configuration-files\/(.+)\/config_v6\.json$/)
        if (configCat) {
          const target = project(projectFromConfigCatKey(decodeURIComponent(configCat[1]!)))
          target.requests.push({ method: 'GET', path: 'configcat config_v6.json' })
          if (faulty(res, target.state.faults?.configcat)) return
          const etag = `"cc-${target.configCatVersion}"`
          if (req.headers['if-none-match'] === etag || url.searchParams.get('ccetag') === etag) {
            res.writeHead(304, { ETag: etag }).end()
            return
          }
          return json(res, 200, toConfigCatConfig(target.state.configcat), { ETag: etag })
        }
        const evalx = pathname.match(/^\/sdk\/evalx\/([^/]+)\/contexts\/([^/]+)$/)
        if (evalx) {
          const target = project(evalx[1]!)
          target.requests.push({ method: 'GET', path: 'launchdarkly evalx' })
          if (faulty(res, target.state.faults?.launchdarkly)) return
          return json(
            res,
            200,
            toLaunchDarklyFlags(
              target.state.launchdarkly,
              contextKeyOf(evalx[2]!),
              target.launchDarklyVersion,
            ),
          )
        }
        const stream = pathname.match(/^\/eval\/([^/]+)\/([^/]+)$/)
        if (stream) {
          const target = project(stream[1]!)
          target.requests.push({ method: 'GET', path: 'launchdarkly stream' })
          if (faulty(res, target.state.faults?.launchdarkly)) return
          const contextKey = contextKeyOf(stream[2]!)
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
          const flags = toLaunchDarklyFlags(target.state.launchdarkly, contextKey, target.launchDarklyVersion)
          res.write(`event: put\ndata: ${JSON.stringify(flags)}\n\n`)
          const entry = { res, contextKey }
          target.streams.add(entry)
          req.on('close', () => target.streams.delete(entry))
          return
        }
        if (/^\/sdk\/goals\//.test(pathname)) return json(res, 200, [])
        if (/^\/events\/(bulk|diagnostic)\//.test(pathname)) {
          await readBody(req)
          res.writeHead(202).end()
          return
        }
        next()
      } catch (error) {
        next(error)
      }
    },
  }
}

/** The stand-in as a Vite plugin: Storybook's dev server answers the vendors' routes itself. */
export function vendorStandInPlugin(): Plugin {
  const standIn = createVendorStandIn()
  return {
    name: 'flagbridge-vendor-stand-in',
    configureServer(server) {
      server.middlewares.use((req, res, next) => void standIn.middleware(req, res, next))
    },
  }
}
