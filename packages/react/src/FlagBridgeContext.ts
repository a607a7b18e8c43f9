import type { FlagBridge } from '@flagbridge/core/engine'
import { FlagBridgeError } from '@flagbridge/core/engine'
import { createContext, useContext } from 'react'

/** The bridge `<FlagBridgeProvider>` (or `<TestFlagBridgeProvider>`) gives its tree. */
export const FlagBridgeContext = createContext<FlagBridge | null>(null)
FlagBridgeContext.displayName = 'FlagBridgeContext'

/** Reads the bridge, or throws a `MISSING_PROVIDER` error that says how to fix it. */
export function useBridge(hookName: string): FlagBridge {
  const bridge = useContext(FlagBridgeContext)
  if (!bridge) {
    throw new FlagBridgeError(
      'MISSING_PROVIDER',
      process.env.NODE_ENV !== 'production'
        ? `${hookName} must be used inside <FlagBridgeProvider>: wrap your app in it (in tests, in <TestFlagBridgeProvider> from '@flagbridge/react/testing').`
        : `${hookName} outside <FlagBridgeProvider>`,
    )
  }
  return bridge
}
