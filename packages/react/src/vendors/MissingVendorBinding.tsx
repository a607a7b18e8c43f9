import { createUnavailableVendor, FlagBridgeError, type FlagProvider } from '@flagbridge/core'
import { type ReactNode, useState } from 'react'
import { useRegisterVendor } from './useRegisterVendor'

/** Stands in for a vendor the entry point doesn't bind: defaults, plus an error saying which entry to use. */
export function MissingVendorBinding({
  provider,
  children,
}: {
  provider: FlagProvider
  children?: ReactNode
}) {
  const [vendor] = useState(() => {
    const entry = provider === 'configcat' ? 'launchdarkly' : 'configcat'
    return createUnavailableVendor(
      provider,
      new FlagBridgeError(
        'INVALID_OPTIONS',
        `'@flagbridge/react/${entry}' binds ${entry} only: import FlagBridgeProvider from '@flagbridge/react' to use ${provider} too.`,
      ),
    )
  })
  useRegisterVendor(provider, vendor)
  return children
}
