import {
  createLaunchDarklyVendor,
  createUnavailableVendor,
  type FlagVendor,
  toFlagBridgeError,
} from '@flagbridge/core/engine'
import { LDProvider } from 'launchdarkly-react-client-sdk'
import { type ReactNode, useState } from 'react'
import { useBridge } from '../FlagBridgeContext'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'
import {
  getLaunchDarklyClient,
  type LaunchDarklyClientEntry,
  releaseLaunchDarklyClient,
  retainLaunchDarklyClient,
  serverVendor,
} from './launchDarklyClients'
import type { LaunchDarklyConfig } from './launchDarklyConfig'
import { useRegisterVendor } from './useRegisterVendor'

type Started =
  | { entry: LaunchDarklyClientEntry; vendor: FlagVendor }
  | { entry: undefined; vendor: FlagVendor }

let warnedTimeout = false
let warnedNoInspectors = false

/** `timeoutMs`, else the deprecated `timeout` in seconds, else 5 s. */
function timeoutMsOf({ timeoutMs, timeout }: Extract<LaunchDarklyConfig, { clientSideID: string }>) {
  if (timeoutMs === undefined && timeout !== undefined && process.env.NODE_ENV !== 'production') {
    if (!warnedTimeout)
      console.warn(
        `[flagbridge] launchdarkly.timeout is in seconds and deprecated: write timeoutMs: ${timeout * 1000} (milliseconds, like every FlagBridge duration).`,
      )
    warnedTimeout = true
  }
  return timeoutMs ?? (timeout === undefined ? 5_000 : timeout * 1000)
}

function prepare(config: Extract<LaunchDarklyConfig, { clientSideID: string }>, user: unknown): Started {
  if (typeof window === 'undefined') return { entry: undefined, vendor: serverVendor(config.options) }
  try {
    const entry = getLaunchDarklyClient(
      config.clientSideID,
      user as never,
      config.options,
      timeoutMsOf(config),
    )
    return { entry, vendor: entry.vendor }
  } catch (error) {
    // A missing or malformed client-side ID.
    return {
      entry: undefined,
      vendor: createUnavailableVendor(
        'launchdarkly',
        toFlagBridgeError('INVALID_OPTIONS', 'LaunchDarkly could not start', error),
      ),
    }
  }
}

function ClientSideIdBinding({
  config,
  children,
}: {
  config: Extract<LaunchDarklyConfig, { clientSideID: string }>
  children?: ReactNode
}) {
  const bridge = useBridge('FlagBridgeProvider')
  // Shared per client-side ID and user (see launchDarklyClients), so a second call is free. Its vendor
  // serves the bootstrap (the server's flags for this user) to the first render, without a client.
  const [{ entry, vendor }] = useState(() => prepare(config, bridge.user()))
  useRegisterVendor('launchdarkly', vendor)
  // The client starts once the children have mounted, as LDProvider starts its own (componentDidMount):
  // in a layout effect, so before the provider connects (identify, destinations) and before any exposure
  // of the first commit is recorded (passive effects); its flags equal the bootstrap's, so nothing
  // re-renders. (initialize() throws nothing for options it dislikes; if it did, VendorBoundary reports it.)
  useIsomorphicLayoutEffect(() => {
    if (!entry) return
    entry.start()
    retainLaunchDarklyClient(entry)
    return () => releaseLaunchDarklyClient(config.clientSideID, entry)
  }, [entry, config.clientSideID])

  // No client (server rendering, invalid ID): LDProvider would try to create its own.
  if (!entry) return children
  return (
    <LDProvider
      clientSideID={config.clientSideID}
      ldClient={entry.ready as never}
      options={config.options as never}
      reactOptions={config.reactOptions as never}
      // No `timeout`: given a client, LDProvider waits for nothing; the vendor applies timeoutMs.
    >
      {children}
    </LDProvider>
  )
}

function ClientBinding({
  config,
  children,
}: {
  config: Extract<LaunchDarklyConfig, { client: unknown }>
  children?: ReactNode
}) {
  const [vendor] = useState(() =>
    createLaunchDarklyVendor(config.client, {
      bootstrap: config.options?.bootstrap as never,
      flagUsed: config.inspectors,
    }),
  )
  useRegisterVendor('launchdarkly', vendor)
  // Once per page, in development only (nothing of it is left in production builds).
  if (process.env.NODE_ENV !== 'production' && !config.inspectors && !warnedNoInspectors) {
    warnedNoInspectors = true
    console.warn(
      '[flagbridge] launchdarkly={{ client }} without inspectors: FlagBridge reads flags with variationDetail(), which LaunchDarkly counts as an evaluation in every render, shown or not. Create the client with createLaunchDarklyInspectors() and pass them: launchdarkly={{ client, inspectors }}.',
    )
  }
  return (
    <LDProvider clientSideID="" ldClient={config.client as never}>
      {children}
    </LDProvider>
  )
}

/**
 * Renders launchdarkly-react-client-sdk's `LDProvider` (so the app's own `useFlags` and
 * `useLDClient` keep working) around a client FlagBridge creates once, and feeds it to
 * FlagBridge. With `bootstrap`, the first render already has the served values.
 */
export function LaunchDarklyBinding({
  config,
  children,
}: {
  config: LaunchDarklyConfig
  children?: ReactNode
}) {
  if ('client' in config) return <ClientBinding config={config}>{children}</ClientBinding>
  return <ClientSideIdBinding config={config}>{children}</ClientSideIdBinding>
}
