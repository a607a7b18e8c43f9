import {
  type FlagBridgeError,
  FlagBridgeProvider,
  type FlagBridgeUser,
  type RoutingOptions,
  type TrackingOptions,
} from '@flagbridge/react'
import { TestFlagBridgeProvider } from '@flagbridge/react/testing'
import { type ReactNode, useEffect, useState } from 'react'
import type { Demo } from './demo'

export interface DemoProviderProps {
  demo: Demo
  user?: FlagBridgeUser | undefined
  tracking?: TrackingOptions
  routing?: RoutingOptions
  onError?: (error: FlagBridgeError) => void
  children?: ReactNode
}

/**
 * `<FlagBridgeProvider>` over the demo's vendors and destinations — the real SDKs against
 * the stand-in or offline — or, in the `static` runtime, `<TestFlagBridgeProvider>`.
 * Demos keep the dedup ledger per page (`dedupe: 'page'`) so a story shows its events
 * again each time it is opened; apps get `'session'` by default.
 */
export function DemoProvider({ demo, user, tracking, routing, onError, children }: DemoProviderProps) {
  const fullTracking: TrackingOptions = { dedupe: 'page', ...tracking }
  useEffect(() => demo.userChanged(user?.id), [demo, user?.id])
  // Read once, like the provider reads its vendor options once.
  const [props] = useState(() => (demo.runtime === 'static' ? undefined : demo.providerProps()))
  const [staticProps] = useState(() => (demo.runtime === 'static' ? demo.staticProps() : undefined))
  useEffect(() => () => demo.dispose(), [demo])
  if (staticProps) {
    return (
      <TestFlagBridgeProvider
        flags={staticProps.flags}
        recorder={staticProps.recorder}
        onVendors={staticProps.onVendors}
        user={user}
        tracking={fullTracking}
        routing={routing}
        onError={onError}
      >
        {children}
      </TestFlagBridgeProvider>
    )
  }
  return (
    <FlagBridgeProvider {...props} user={user} tracking={fullTracking} routing={routing} onError={onError}>
      {children}
    </FlagBridgeProvider>
  )
}
