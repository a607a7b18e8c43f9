// server.mjs — the relay on node:http: `node server.mjs`
import { createServer } from 'node:http'
import { createConfigCatWebhookHandler, createHeapWebhookHandler, toNodeHandler } from '@flagbridge/relay'

const env = process.env

// Secrets are checked at start-up: a missing one stops the server here, by name.
const missing = [
  'CONFIGCAT_SIGNING_KEY',
  'SEGMENT_WRITE_KEY',
  'HEAP_WEBHOOK_SECRET',
  'LD_ACCESS_TOKEN',
].filter((name) => !env[name])
if (missing.length > 0) {
  console.error(`[flagbridge] Missing environment variables: ${missing.join(', ')}`)
  process.exit(1)
}

// Every error is logged: refused webhooks, partner failures, pages skipped as out of order.
const onError = (error) => console.error(new Date().toISOString(), error)

// Several instances share claims and sync order through Redis; one instance can do without.
let store
if (env.REDIS_URL) {
  const { createRedisRelayStore } = await import('@flagbridge/relay/redis')
  store = createRedisRelayStore({ url: env.REDIS_URL, onError })
  await store.connect()
}

const configCat = createConfigCatWebhookHandler({
  signingKeys: [env.CONFIGCAT_SIGNING_KEY, env.CONFIGCAT_SIGNING_KEY_2],
  segment: { writeKey: env.SEGMENT_WRITE_KEY, region: env.SEGMENT_REGION ?? 'us', host: env.SEGMENT_HOST },
  ...(env.CONFIGCAT_API_USER && {
    configCatPublicApi: { username: env.CONFIGCAT_API_USER, password: env.CONFIGCAT_API_PASSWORD },
  }),
  store,
  onError,
})
const heap = createHeapWebhookHandler({
  secret: [env.HEAP_WEBHOOK_SECRET, env.HEAP_WEBHOOK_SECRET_2],
  launchDarkly: {
    accessToken: env.LD_ACCESS_TOKEN,
    projectKey: env.LD_PROJECT ?? 'default',
    environmentKey: env.LD_ENVIRONMENT ?? 'production',
    baseUrl: env.LD_BASE_URL,
  },
  store,
  onError,
})

const routes = new Map([
  ['/webhooks/configcat', toNodeHandler(configCat)],
  ['/webhooks/heap', toNodeHandler(heap)],
])

let closing = false
const server = createServer((req, res) => {
  // Once SIGTERM arrived, each answer closes its connection: a sender that keeps its connection
  // alive would otherwise go on sending here, and the server would never finish closing.
  if (closing) res.setHeader('connection', 'close')
  // Route on the path alone: `?attempt=2` must not turn a webhook into a 404.
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    return
  }
  const route = req.method === 'POST' ? routes.get(path) : undefined
  if (route) return route(req, res)
  res.writeHead(404).end()
})
server.listen(Number(env.PORT ?? 8080), env.HOST, () => {
  const { address, port } = server.address()
  console.log(`[flagbridge] relay listening on http://${address}:${port}`)
})

// Graceful shutdown: stop accepting, let requests in progress finish, apply the Heap pages
// already acknowledged, then exit. Heap and ConfigCat retry whatever was refused meanwhile.
process.once('SIGTERM', async () => {
  console.log('[flagbridge] SIGTERM: finishing the work in progress')
  closing = true
  const closed = new Promise((resolve) => server.close(resolve))
  server.closeIdleConnections()
  await closed
  await heap.idle()
  await configCat.close()
  await store?.close()
  process.exit(0)
})
