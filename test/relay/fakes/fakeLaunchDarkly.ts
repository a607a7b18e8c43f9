import { type Listening, listen, readBody, type ScriptedAnswer, send } from './listen'

/** One recorded LaunchDarkly call. */
export interface LaunchDarklyCall {
  method: string
  path: string
  authorization: string | undefined
  /** The `LD-API-Version` header. */
  apiVersion: string | undefined
  body: any
  status: number
}

/**
 * Behaves like LaunchDarkly's segment REST API on the points under test: create
 * (201, 409 when it exists), update big-segment contexts (204, 404 when the segment is
 * missing, 400 for a bad body), delete (204/404), 401 for a wrong token.
 * `script` answers the next requests with canned failures (429 + Retry-After, 5xx...);
 * `failContextsAfter` makes every contexts update past the first N answer `status`.
 * `hold()` keeps every request waiting until its release is called: a slow LaunchDarkly.
 */
export interface FakeLaunchDarkly extends Listening {
  calls: LaunchDarklyCall[]
  /** `proj/env/segment` → members. */
  segments: Map<string, { name: string; members: Set<string>; unbounded: boolean; kind: string }>
  /** Total keys added by accepted updates (counts a re-added key again). */
  addsApplied: number
  removesApplied: number
  script: ScriptedAnswer[]
  failContextsAfter: { accepted: number; status: number } | undefined
  /** Requests that arrived, including held ones. */
  received: number
  /** Holds every request (arrived or arriving) until the returned function is called. */
  hold(): () => void
  /** Called with each contexts update before it is answered. */
  onContexts: (() => void) | undefined
  members(project: string, environment: string, segment: string): Set<string>
}

export async function startFakeLaunchDarkly(token: string): Promise<FakeLaunchDarkly> {
  const fake = {
    calls: [],
    segments: new Map(),
    addsApplied: 0,
    removesApplied: 0,
    script: [],
    failContextsAfter: undefined,
    received: 0,
    onContexts: undefined,
  } as unknown as FakeLaunchDarkly
  let contextsAccepted = 0
  let gate: Promise<void> | undefined
  fake.hold = () => {
    let release = () => {}
    gate = new Promise<void>((resolve) => {
      release = () => {
        gate = undefined
        resolve()
      }
    })
    return release
  }
  fake.members = (project, environment, segment) =>
    fake.segments.get(`${project}/${environment}/${segment}`)?.members ?? new Set()

  const listening = await listen(async (req, res) => {
    const text = await readBody(req)
    fake.received++
    await gate
    const path = req.url ?? ''
    let body: any
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = text
    }
    const call: LaunchDarklyCall = {
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      apiVersion: req.headers['ld-api-version'] as string | undefined,
      body,
      status: 0,
    }
    fake.calls.push(call)
    const answer = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      call.status = status
      send(res, status, payload, headers)
    }

    const scripted = fake.script.shift()
    if (scripted)
      return answer(
        scripted.status,
        scripted.body ?? { code: 'scripted', message: 'scripted' },
        scripted.headers,
      )
    if (req.headers.authorization !== token)
      return answer(401, { code: 'unauthorized', message: 'Invalid access token' })

    const match = /^\/api\/v2\/segments\/([^/]+)\/([^/]+)(?:\/([^/]+)(\/contexts)?)?$/.exec(path)
    if (!match) return answer(404, { code: 'not_found', message: 'Unknown resource' })
    const [, project, environment, segmentKey, contexts] = match.map((part) =>
      part ? decodeURIComponent(part) : part,
    )
    const base = `${project}/${environment}`

    if (req.method === 'POST' && !segmentKey) {
      if (typeof body?.key !== 'string' || typeof body?.name !== 'string') {
        return answer(400, { code: 'invalid_request', message: 'key and name are required' })
      }
      const id = `${base}/${body.key}`
      if (fake.segments.has(id)) return answer(409, { code: 'conflict', message: 'Segment already exists' })
      fake.segments.set(id, {
        name: body.name,
        members: new Set(),
        unbounded: body.unbounded === true,
        kind: body.unboundedContextKind,
      })
      return answer(201, { key: body.key, name: body.name })
    }
    const id = `${base}/${segmentKey}`
    if (req.method === 'POST' && contexts) {
      fake.onContexts?.()
      if (fake.failContextsAfter && contextsAccepted >= fake.failContextsAfter.accepted) {
        return answer(fake.failContextsAfter.status, { code: 'internal', message: 'Internal error' })
      }
      const segment = fake.segments.get(id)
      if (!segment) return answer(404, { code: 'not_found', message: 'Unknown segment' })
      const add = body?.included?.add
      const remove = body?.included?.remove
      if (
        !Array.isArray(add) ||
        !Array.isArray(remove) ||
        [...add, ...remove].some((key) => typeof key !== 'string')
      ) {
        return answer(400, {
          code: 'invalid_request',
          message: 'included.add and included.remove must be string arrays',
        })
      }
      for (const key of add) segment.members.add(key)
      for (const key of remove) segment.members.delete(key)
      fake.addsApplied += add.length
      fake.removesApplied += remove.length
      contextsAccepted++
      return answer(204)
    }
    if (req.method === 'DELETE' && segmentKey) {
      if (!fake.segments.delete(id)) return answer(404, { code: 'not_found', message: 'Unknown segment' })
      return answer(204)
    }
    return answer(405, { code: 'method_not_allowed', message: 'Method not allowed' })
  })
  return Object.assign(fake, listening)
}
