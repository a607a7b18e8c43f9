'use client'

import { createElement, type ReactNode } from 'react'
import {
  type FlagBridgeProviderProps,
  FlagBridgeProviderWith,
  type VendorBindings,
} from '../FlagBridgeProvider'
import { LaunchDarklyBinding } from '../vendors/LaunchDarklyBinding'
import { MissingVendorBinding } from '../vendors/MissingVendorBinding'

/** ConfigCat isn't bound here: its flags serve defaults with an error naming the entry that binds it. */
function MissingConfigCat({ children }: { children?: ReactNode }) {
  return createElement(MissingVendorBinding, { provider: 'configcat' }, children)
}

const bindings: VendorBindings = { launchdarkly: LaunchDarklyBinding, configcat: MissingConfigCat }

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

/** For `launchdarkly={{ client, inspectors }}`: give `.inspectors` to your client's `initialize`. */
export { createLaunchDarklyInspectors, type LaunchDarklyInspectors } from '@flagbridge/core/engine'
export * from '../shared'
