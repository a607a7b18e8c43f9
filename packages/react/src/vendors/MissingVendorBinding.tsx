import { FlagBridgeError, type FlagProvider } from '@flagbridge/core/engine'
import type { ReactNode } from 'react'
import { UnavailableVendorBinding } from './UnavailableVendorBinding'

/** Stands in for a vendor the entry point doesn't bind: defaults, plus an error saying which entry to use. */
export function MissingVendorBinding({
  provider,
  children,
}: {
  provider: FlagProvider
  children?: ReactNode
}) {
  const entry = provider === 'configcat' ? 'launchdarkly' : 'configcat'
  const error = new FlagBridgeError(
    'INVALID_OPTIONS',
    process.env.NODE_ENV !== 'production'
      ? `'@flagbridge/react/${entry}' binds ${entry} only: import FlagBridgeProvider from '@flagbridge/react' to use ${provider} too.`
      : `${provider} is not bound by /${entry}`,
  )
  return (
    <UnavailableVendorBinding provider={provider} error={error}>
      {children}
    </UnavailableVendorBinding>
  )
}
