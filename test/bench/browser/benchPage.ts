import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildProductionPage } from '../../support/productionBuild'

// The benchmark page (./page) built and served for Chromium: chromium.bench-run.ts measures it,
// profile.bench-run.ts profiles it.
const pageRoot = fileURLToPath(new URL('./page/', import.meta.url))
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
}

/**
 * `vite build` of ./page into a temporary directory, as `NODE_ENV=production vite build` would;
 * `readable` keeps names and writes source maps, for profiles.
 */
export async function buildPage(outDir: string, { readable = false } = {}) {
  const { createLogger } = await import('vite')
  // Known and harmless: the SDKs' "use client" directives, and analytics-next imported both
  // statically (the fixtures) and dynamically (FlagBridge's loader).
  const logger = createLogger('warn')
  const warn = logger.warn
  logger.warn = (message, options) => {
    if (!message.includes('dynamic import will not move module into another chunk')) warn(message, options)
  }
  await buildProductionPage({
    root: pageRoot,
    customLogger: logger,
    esbuild: { jsx: 'automatic' },
    build: {
      outDir,
      ...(readable ? { minify: false, sourcemap: true } : {}),
      rollupOptions: {
        onwarn(warning, defaultHandler) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'SOURCEMAP_ERROR') return
          defaultHandler(warning)
        },
      },
    },
  })
}

/**
 * The build on 127.0.0.1, cross-origin isolated (COOP + COEP) so that the page's
 * performance.now() has Chromium's fine resolution rather than the coarsened 100 µs.
 */
export async function serve(dir: string) {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cache-control': 'no-store',
      })
      .end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
