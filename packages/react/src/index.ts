'use client'

import { createElement } from 'react'
import {
  type FlagBridgeProviderProps,
  FlagBridgeProviderWith,
  type VendorBindings,
} from './FlagBridgeProvider'
import { ConfigCatBinding } from './vendors/ConfigCatBinding'
import { LaunchDarklyBinding } from './vendors/LaunchDarklyBinding'

const bindings: VendorBindings = { configcat: ConfigCatBinding, launchdarkly: LaunchDarklyBinding }

/**
 * One provider for ConfigCat and LaunchDarkly flags, Segment and Heap analytics. It
 * renders configcat-react's `ConfigCatProvider` and LaunchDarkly's `LDProvider` for the
 * vendors it is given, identifies the user to all four systems once, and tracks every
 * flag exposure, deduplicated and after commit.
 *
 * Apps that use only one vendor import the same provider from `@flagbridge/react/configcat`
 * or `@flagbridge/react/launchdarkly`, so the other SDK need not be installed.
 *
 * @example
 * <FlagBridgeProvider
 *   configcat={{ sdkKey: 'configcat-sdk-1/…/…' }}
 *   launchdarkly={{ clientSideID: '…' }}
 *   segment={{ writeKey: '…' }}
 *   heap={{}}
 *   user={me ? { id: me.id, email: me.email, privateAttributes: ['email'] } : undefined}
 *   onError={(error) => console.warn(error)}
 * >
 *   <App />
 * </FlagBridgeProvider>
 */
export function FlagBridgeProvider(props: FlagBridgeProviderProps) {
  return createElement(FlagBridgeProviderWith, { ...props, bindings })
}

/** For `launchdarkly={{ client, inspectors }}`: give `.inspectors` to your client's `initialize`. */
export { createLaunchDarklyInspectors, type LaunchDarklyInspectors } from '@flagbridge/core/engine'
export * from './shared'
