'use client'

import { createElement } from 'react'
import {
  type FlagBridgeProviderProps,
  FlagBridgeProviderWith,
  type VendorBindings,
} from '../FlagBridgeProvider'
import { ConfigCatBinding } from '../vendors/ConfigCatBinding'

const bindings: VendorBindings = { configcat: ConfigCatBinding }

/**
 * `FlagBridgeProvider` for apps that use ConfigCat only: launchdarkly-react-client-sdk
 * need not be installed.
 *
 * @example
 * import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react/configcat'
 * <FlagBridgeProvider configcat={{ sdkKey }} segment={{ writeKey }}><App /></FlagBridgeProvider>
 */
export function FlagBridgeProvider(props: FlagBridgeProviderProps) {
  return createElement(FlagBridgeProviderWith, { ...props, bindings })
}

export * from '../shared'
