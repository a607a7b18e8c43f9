import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createVendorStandIn } from '../../.storybook/vendorStandIn'

const root = resolve(import.meta.dirname, '../..')

/** Runs `storybook build` into `outputDir` (the packages' dist must exist: `pnpm build`). */
export async function buildStorybook(outputDir: string): Promise<number> {
  const started = performance.now()
  await promisify(execFile)(
    join(root, 'node_modules/.bin/storybook'),
    ['build', '--quiet', '-o', outputDir],
    {
      cwd: root,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  return performance.now() - started
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

async function serveFile(dir: string, req: IncomingMessage, res: ServerResponse) {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  const file = normalize(join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname))
  if (!file.startsWith(dir)) {
    res.writeHead(403).end()
    return
  }
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file')
    const body = await readFile(file)
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
  }
}

/**
 * A tiny server for a static Storybook build on 127.0.0.1. With `standIn`, the same
 * vendor stand-in the dev server mounts answers first (as `pnpm demo` does); without it,
 * the stories run with their offline fallbacks, as on any static host.
 */
export async function serveStorybook(dir: string, { standIn }: { standIn: boolean }) {
  const vendors = standIn ? createVendorStandIn() : undefined
  const server = createServer((req, res) => {
    const fallback = () => void serveFile(dir, req, res)
    if (vendors) void vendors.middleware(req, res, fallback)
    else fallback()
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    vendors,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
