// A Cloudflare Worker serving both relay handlers, as a user would deploy it. Bundled by
// test/relay/workerd.test.ts and run in workerd through miniflare. No `nodejs_compat` flag:
// the main entry needs nothing but web APIs.
import {
  type ConfigCatWebhookHandler,
  createConfigCatWebhookHandler,
  createHeapWebhookHandler,
  type HeapSyncResult,
  type HeapWebhookHandler,
} from '../../../packages/relay/src/index'

/** The bindings the test passes (secrets and where the local stand-ins listen). */
interface Env {
  CONFIGCAT_SIGNING_KEY: string
  SEGMENT_WRITE_KEY: string
  SEGMENT_HOST: string
  HEAP_WEBHOOK_SECRET: string
  LD_ACCESS_TOKEN: string
  LD_BASE_URL: string
}

/** What Cloudflare hands `fetch` as its third argument. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

let relays: { configCat: ConfigCatWebhookHandler; heap: HeapWebhookHandler } | undefined
/** Pages the queue applied, for the test to poll. */
const applied: HeapSyncResult[] = []

function createRelays(env: Env) {
  return {
    configCat: createConfigCatWebhookHandler({
      signingKeys: [env.CONFIGCAT_SIGNING_KEY],
      segment: { writeKey: env.SEGMENT_WRITE_KEY, host: env.SEGMENT_HOST },
    }),
    heap: createHeapWebhookHandler({
      secret: env.HEAP_WEBHOOK_SECRET,
      launchDarkly: {
        accessToken: env.LD_ACCESS_TOKEN,
        projectKey: 'web',
        environmentKey: 'production',
        baseUrl: env.LD_BASE_URL,
      },
      onApplied: (result) => applied.push(result),
    }),
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    relays ??= createRelays(env)
    const { pathname } = new URL(request.url)
    if (pathname === '/webhooks/configcat') return relays.configCat(request)
    if (pathname === '/webhooks/heap') return relays.heap(request, ctx)
    // Not `await heap.idle()` here: in workerd a request that waits on work another request's
    // waitUntil carries has no I/O of its own, and the runtime cancels it as hung.
    if (pathname === '/applied') return Response.json(applied)
    if (pathname === '/runtime') return new Response(navigator.userAgent)
    return new Response('Not found', { status: 404 })
  },
}
