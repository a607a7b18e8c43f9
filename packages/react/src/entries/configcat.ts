'use client'

import { createElement, type ReactNode } from 'react'
import {
  type FlagBridgeProviderProps,
  FlagBridgeProviderWith,
  type VendorBindings,
} from '../FlagBridgeProvider'
import { ConfigCatBinding } from '../vendors/ConfigCatBinding'
import { MissingVendorBinding } from '../vendors/MissingVendorBinding'

/** LaunchDarkly isn't bound here: its flags serve defaults with an error naming the entry that binds it. */
function MissingLaunchDarkly({ children }: { children?: ReactNode }) {
  return createElement(MissingVendorBinding, { provider: 'launchdarkly' }, children)
}

const bindings: VendorBindings = { configcat: ConfigCatBinding, launchdarkly: MissingLaunchDarkly }

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
