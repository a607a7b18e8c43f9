import {
  createLaunchDarklyInspectors,
  createLaunchDarklyVendor,
  type FlagBridgeUser,
  type FlagVendor,
  type LaunchDarklyBootstrap,
  type LaunchDarklyClientLike,
  toFlagBridgeError,
  toLaunchDarklyContext,
} from '@flagbridge/core'
import { initialize } from 'launchdarkly-react-client-sdk'
import type { LaunchDarklyOptions } from './launchDarklyConfig'

/** A LaunchDarkly client FlagBridge created, shared by every provider using its client-side ID. */
export interface LaunchDarklyClientEntry {
  client: LaunchDarklyClientLike & { close(): unknown; waitUntilReady(): Promise<void> }
  /** Resolves once the first flags arrived or failed: what `LDProvider`'s `ldClient` prop awaits. */
  ready: Promise<LaunchDarklyClientLike>
  vendor: FlagVendor
  /** The user the client was created for. */
  user: FlagBridgeUser | undefined
  retained: number
  closeTimer?: ReturnType<typeof setTimeout>
}

const entries = new Map<string, LaunchDarklyClientEntry>()

function bootstrapOf(options: LaunchDarklyOptions | undefined): LaunchDarklyBootstrap | undefined {
  return typeof options?.bootstrap === 'object' ? options.bootstrap : undefined
}

/**
 * One client per client-side ID for the page, created with the user's context (so no
 * `identify` round trip at start) and FlagBridge's `flag-used` inspector. StrictMode's
 * double render and remount reuse it; the last provider to unmount closes it.
 */
export function getLaunchDarklyClient(
  clientSideID: string,
  user: FlagBridgeUser | undefined,
  options: LaunchDarklyOptions | undefined,
  timeoutSeconds: number,
): LaunchDarklyClientEntry {
  const existing = entries.get(clientSideID)
  if (existing) return existing
  const inspectors = createLaunchDarklyInspectors()
  const context = toLaunchDarklyContext(user)
  const client = initialize(
    clientSideID,
    context as never,
    {
      ...options,
      wrapperName: 'flagbridge-react',
      // Reasons tell an unknown key (FLAG_NOT_FOUND) from a failed evaluation.
      evaluationReasons: true,
      sendEventsOnlyForVariation: true,
      // Flags are read from what these report, so LaunchDarkly counts an evaluation only once shown.
      inspectors: [...(options?.inspectors ?? []), ...inspectors.inspectors],
    } as never,
  ) as unknown as LaunchDarklyClientEntry['client']
  const entry: LaunchDarklyClientEntry = {
    client,
    ready: client.waitUntilReady().then(() => client),
    vendor: createLaunchDarklyVendor(client, {
      bootstrap: bootstrapOf(options),
      timeout: timeoutSeconds * 1000,
      flagUsed: inspectors,
      // Trusted until the client says which context it has processed (getContext()).
      context,
    }),
    user,
    retained: 0,
  }
  entries.set(clientSideID, entry)
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
    if (entry.retained > 0 || entries.get(clientSideID) !== entry) return
    entries.delete(clientSideID)
    entry.vendor.dispose?.()
    try {
      entry.client.close()
    } catch (error) {
      void toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly close', error)
    }
  }, 0)
}
