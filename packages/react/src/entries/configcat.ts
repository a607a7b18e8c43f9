'use client'

import { createFlagBridgeProvider } from '../FlagBridgeProvider'
import { ConfigCatBinding } from '../vendors/ConfigCatBinding'

/**
 * `FlagBridgeProvider` for apps that use ConfigCat only: launchdarkly-react-client-sdk
 * need not be installed.
 *
 * @example
 * import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react/configcat'
 * <FlagBridgeProvider configcat={{ sdkKey }} segment={{ writeKey }}><App /></FlagBridgeProvider>
 */
export const FlagBridgeProvider = createFlagBridgeProvider({ configcat: ConfigCatBinding })

export * from '../shared'
