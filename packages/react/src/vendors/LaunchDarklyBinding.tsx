import {
  createLaunchDarklyVendor,
  createUnavailableVendor,
  type FlagVendor,
  toFlagBridgeError,
} from '@flagbridge/core/engine'
import { LDProvider } from 'launchdarkly-react-client-sdk'
import { type ReactNode, useEffect, useState } from 'react'
import { useBridge } from '../FlagBridgeContext'
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

function start(config: Extract<LaunchDarklyConfig, { clientSideID: string }>, user: unknown): Started {
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
    // initialize() throws synchronously for a missing or malformed client-side ID.
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
  // The client is shared per client-side ID (see launchDarklyClients), so a second call is free.
  const [{ entry, vendor }] = useState(() => start(config, bridge.user()))
  useRegisterVendor('launchdarkly', vendor)
  useEffect(() => {
    if (!entry) return
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
    createLaunchDarklyVendor(config.client, { bootstrap: config.options?.bootstrap as never }),
  )
  useRegisterVendor('launchdarkly', vendor)
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
