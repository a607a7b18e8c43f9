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
        `The ${provider} prop was given to the FlagBridgeProvider from '@flagbridge/react/${entry}', which only binds ${entry}. ` +
          "Import FlagBridgeProvider from '@flagbridge/react' to use both vendors.",
      ),
    )
  })
  useRegisterVendor(provider, vendor)
  return children
}
