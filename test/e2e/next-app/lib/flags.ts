// Server only: the vendors' server SDKs, created once per process (on the first request, not
// while `next build` collects pages), pointed at the suite's stand-ins by environment variables.
import { getClient, PollingMode } from '@configcat/sdk'
import {
  createConfigCatServerCache,
  type FlagBridgeUser,
  getFlagBridgeBootstrap,
} from '@flagbridge/react/server'
import { init } from '@launchdarkly/node-server-sdk'

function createClients() {
  const vendors = process.env.VENDOR_ORIGIN ?? ''
  const configCatCache = createConfigCatServerCache()
  const configCat = getClient(process.env.CONFIGCAT_SDK_KEY ?? '', PollingMode.AutoPoll, {
    baseUrl: `${vendors}/cc`,
    cache: configCatCache,
    maxInitWaitTimeSeconds: 3,
    requestTimeoutMs: 2000,
  })
  const launchDarkly = init(process.env.LAUNCHDARKLY_SDK_KEY ?? '', {
    baseUri: `${vendors}/ldserver`,
    streamUri: `${vendors}/ldserver-stream`,
    eventsUri: `${vendors}/ld-events`,
    stream: false,
    sendEvents: false,
    diagnosticOptOut: true,
    logger: { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => console.error(...args) },
  })
  return { configCat, configCatCache, launchDarkly }
}

let clients: ReturnType<typeof createClients> | undefined

/** Both vendors' values for `user`; what FlagBridge reports on the server is printed for the suite. */
export function flagBootstrap(user: FlagBridgeUser | undefined) {
  clients ??= createClients()
  return getFlagBridgeBootstrap(
    user,
    {
      configcat: { client: clients.configCat, cache: clients.configCatCache },
      launchdarkly: { client: clients.launchDarkly, timeoutMs: 2000 },
    },
    { onError: (error) => console.error(`[server onError] ${error.code} ${error.message}`) },
  )
}
