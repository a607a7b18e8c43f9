'use client'

import { createFlagBridgeProvider } from '../FlagBridgeProvider'
import { LaunchDarklyBinding } from '../vendors/LaunchDarklyBinding'

/**
 * `FlagBridgeProvider` for apps that use LaunchDarkly only: configcat-react need not be
 * installed.
 *
 * @example
 * import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react/launchdarkly'
 * <FlagBridgeProvider launchdarkly={{ clientSideID }} heap={{}}><App /></FlagBridgeProvider>
 */
export const FlagBridgeProvider = createFlagBridgeProvider({ launchdarkly: LaunchDarklyBinding })

export * from '../shared'
