import {
  createLaunchDarklyInspectors,
  createLaunchDarklyVendor,
  FlagBridgeError,
  type FlagBridgeUser,
  type FlagVendor,
  isOthersBootstrap,
  type LaunchDarklyBootstrap,
  type LaunchDarklyClientLike,
  type LaunchDarklyVendor,
  toFlagBridgeError,
  toLaunchDarklyContext,
} from '@flagbridge/core/engine'
import { initialize } from 'launchdarkly-react-client-sdk'
import type { LaunchDarklyOptions } from './launchDarklyConfig'

type Client = LaunchDarklyClientLike & { close(): unknown; waitUntilReady(): Promise<void> }

/**
 * A LaunchDarkly client FlagBridge creates, shared by the providers of one client-side ID and one
 * user. Its vendor serves the bootstrap from the first render; the client itself is created by
 * its `start()` once a provider has mounted.
 */
export interface LaunchDarklyClientEntry {
  /** The client, once started. */
  client?: Client
  /**
   * Resolves once the client has started and its first flags arrived or failed: what `LDProvider`'s
   * `ldClient` prop awaits.
   */
  ready: Promise<LaunchDarklyClientLike>
  vendor: LaunchDarklyVendor
  retained: number
  closeTimer?: ReturnType<typeof setTimeout>
  /** Creates the client (once). */
  start(): void
}

const entries = new Map<string, LaunchDarklyClientEntry[]>()

function bootstrapOf(options: LaunchDarklyOptions | undefined): LaunchDarklyBootstrap | undefined {
  return typeof options?.bootstrap === 'object' ? options.bootstrap : undefined
}

/**
 * A client per client-side ID and user, created with the user's context (so no `identify`
 * round trip at start) and FlagBridge's inspectors. StrictMode's double render and remount
 * reuse it, and so does any provider for the same user; a provider for another user (a sibling,
 * or one remounted with `key={user.id}` while the old one still holds its client) gets its own,
 * because one client evaluates for one context at a time. The last provider to unmount closes it.
 * Cheap to call while rendering: nothing is created until the entry's `start()`.
 */
export function getLaunchDarklyClient(
  clientSideID: string,
  user: FlagBridgeUser | undefined,
  options: LaunchDarklyOptions | undefined,
  timeoutMs: number,
): LaunchDarklyClientEntry {
  if (typeof clientSideID !== 'string' || clientSideID.trim() === '')
    throw new FlagBridgeError(
      'INVALID_OPTIONS',
      process.env.NODE_ENV !== 'production'
        ? `launchdarkly.clientSideID must be your environment's client-side ID, got ${JSON.stringify(clientSideID) ?? String(clientSideID)}: LaunchDarkly flags serve their defaults.`
        : 'launchdarkly.clientSideID',
    )
  const existing = entries.get(clientSideID) ?? []
  const reusable = existing.find((entry) => entry.vendor.isFor(user))
  if (reusable) return reusable
  const inspectors = createLaunchDarklyInspectors()
  const context = toLaunchDarklyContext(user)
  let started!: (ready: Promise<Client>) => void
  const entry: LaunchDarklyClientEntry = {
    ready: new Promise<Client>((resolve) => {
      started = resolve
    }),
    // Serves the bootstrap until the client starts, then the client's flags.
    vendor: createLaunchDarklyVendor(undefined, {
      bootstrap: bootstrapOf(options),
      timeoutMs,
      flagUsed: inspectors,
      // Trusted until the client says which context it has processed (getContext()).
      context,
    }),
    retained: 0,
    start() {
      if (entry.client) return
      const client = initialize(
        clientSideID,
        context as never,
        {
          ...options,
          // Another user's bootstrap is never this client's flags: it fetches its own.
          bootstrap: isOthersBootstrap(bootstrapOf(options)?.$flagsState?.$user?.key, user?.id)
            ? undefined
            : options?.bootstrap,
          wrapperName: 'flagbridge-react',
          // Reasons tell an unknown key (FLAG_NOT_FOUND) from a failed evaluation.
          evaluationReasons: true,
          sendEventsOnlyForVariation: true,
          // Flags are read from what these report, so LaunchDarkly counts an evaluation only once shown.
          inspectors: [...(options?.inspectors ?? []), ...inspectors.inspectors],
        } as never,
      ) as unknown as Client
      entry.client = client
      entry.vendor.start(client)
      started(client.waitUntilReady().then(() => client))
    },
  }
  entries.set(clientSideID, [...existing, entry])
  return entry
}

/** A vendor for server rendering: bootstrapped flags, no client. */
export function serverVendor(options: LaunchDarklyOptions | undefined): FlagVendor {
  return createLaunchDarklyVendor(undefined, { bootstrap: bootstrapOf(options) })
}

export function retainLaunchDarklyClient(entry: LaunchDarklyClientEntry) {
  entry.retained++
  clearTimeout(entry.closeTimer)
}

export function releaseLaunchDarklyClient(clientSideID: string, entry: LaunchDarklyClientEntry) {
  entry.retained--
  if (entry.retained > 0) return
  // Wait a tick: StrictMode unmounts and remounts at once, and the client should survive that.
  entry.closeTimer = setTimeout(() => {
    const list = entries.get(clientSideID) ?? []
    if (entry.retained > 0 || !list.includes(entry)) return
    const rest = list.filter((other) => other !== entry)
    if (rest.length > 0) entries.set(clientSideID, rest)
    else entries.delete(clientSideID)
    entry.vendor.dispose?.()
    try {
      entry.client?.close()
    } catch (error) {
      void toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly close', error)
    }
  }, 0)
}
