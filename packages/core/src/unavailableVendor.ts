import type { FlagBridgeError } from './errors'
import type { FlagProvider } from './evaluation'
import { type FlagVendor, notServed } from './vendor'

/**
 * A vendor that could not start (invalid SDK key, SDK not installed): every flag serves its
 * default with the reason, and the overlay shows the vendor in error.
 */
export function createUnavailableVendor(provider: FlagProvider, error: FlagBridgeError): FlagVendor {
  return {
    provider,
    evaluate: () => notServed(error),
    keys: () => [],
    state: () => ({ status: 'error', error }),
    subscribe: () => () => {},
    identify: async () => {},
  }
}
