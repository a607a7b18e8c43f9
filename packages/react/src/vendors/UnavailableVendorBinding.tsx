import { createUnavailableVendor, type FlagBridgeError, type FlagProvider } from '@flagbridge/core/engine'
import { type ReactNode, useState } from 'react'
import { useBridge } from '../FlagBridgeContext'
import { useIsomorphicLayoutEffect } from '../useIsomorphicLayoutEffect'
import { useRegisterVendor } from './useRegisterVendor'

/**
 * Stands in for a vendor that cannot run (not bound by this entry, options its SDK refused, its
 * provider failed): every flag serves its default with `error`, the overlay shows the vendor in
 * error, and `onError` hears about it once, even before a component reads a flag. `error` is
 * read once.
 */
export function UnavailableVendorBinding({
  provider,
  error,
  children,
}: {
  provider: FlagProvider
  error: FlagBridgeError
  children?: ReactNode
}) {
  const bridge = useBridge('FlagBridgeProvider')
  // The first error stands for the life of the component.
  const [unavailable] = useState(() => ({ error, vendor: createUnavailableVendor(provider, error) }))
  useRegisterVendor(provider, unavailable.vendor)
  // The reporter keeps one report per message: the evaluations returning this error add none.
  useIsomorphicLayoutEffect(() => bridge.report(unavailable.error), [bridge, unavailable])
  return children
}
