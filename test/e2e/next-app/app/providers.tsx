'use client'

import { type FlagBridgeError, FlagBridgeProvider, type FlagBridgeUser } from '@flagbridge/react'
import type { FlagBridgeBootstrap } from '@flagbridge/react/server'
import type { ReactNode } from 'react'

declare global {
  interface Window {
    __flagbridgeErrors?: string[]
    __renders?: Array<{ key: string; value: unknown; hydrated: boolean }>
  }
}

function onError(error: FlagBridgeError) {
  window.__flagbridgeErrors ??= []
  window.__flagbridgeErrors.push(`${error.code} ${error.message}`)
}

export function Providers(props: {
  user: FlagBridgeUser | undefined
  bootstrap: FlagBridgeBootstrap
  vendors: string
  configCatSdkKey: string
  launchDarklyClientSideID: string
  segmentWriteKey: string
  children: ReactNode
}) {
  const { user, bootstrap, vendors } = props
  return (
    <FlagBridgeProvider
      configcat={{
        sdkKey: props.configCatSdkKey,
        bootstrap: bootstrap.configcat,
        options: { baseUrl: `${vendors}/cc`, pollIntervalSeconds: 60, requestTimeoutMs: 3000 },
      }}
      launchdarkly={{
        clientSideID: props.launchDarklyClientSideID,
        timeoutMs: 5000,
        options: {
          bootstrap: bootstrap.launchdarkly,
          baseUrl: `${vendors}/ld`,
          streamUrl: `${vendors}/ld-stream`,
          eventsUrl: `${vendors}/ld-events`,
          streaming: false,
          flushInterval: 2000,
        },
      }}
      segment={{
        writeKey: props.segmentWriteKey,
        settings: { cdnURL: `${vendors}/seg-cdn` },
        options: {
          integrations: {
            'Segment.io': { apiHost: `${new URL(vendors || 'http://x').host}/seg`, protocol: 'http' },
          },
        },
      }}
      heap={{}}
      user={user}
      onError={onError}
    >
      {props.children}
    </FlagBridgeProvider>
  )
}
