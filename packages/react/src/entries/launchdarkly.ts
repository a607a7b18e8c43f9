'use client'

import { createElement } from 'react'
import {
  type FlagBridgeProviderProps,
  FlagBridgeProviderWith,
  type VendorBindings,
} from '../FlagBridgeProvider'
import { LaunchDarklyBinding } from '../vendors/LaunchDarklyBinding'

const bindings: VendorBindings = { launchdarkly: LaunchDarklyBinding }

/**
 * `FlagBridgeProvider` for apps that use LaunchDarkly only: configcat-react need not be
 * installed.
 *
 * @example
 * import { FlagBridgeProvider, useTrackedFlag } from '@flagbridge/react/launchdarkly'
 * <FlagBridgeProvider launchdarkly={{ clientSideID }} heap={{}}><App /></FlagBridgeProvider>
 */
export function FlagBridgeProvider(props: FlagBridgeProviderProps) {
  return createElement(FlagBridgeProviderWith, { ...props, bindings })
}

export * from '../shared'
