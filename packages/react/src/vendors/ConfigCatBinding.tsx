import {
  type ConfigCatBootstrap,
  type ConfigCatClientLike,
  createConfigCatVendor,
  FlagBridgeError,
  type FlagVendor,
  isValidConfigCatSdkKey,
} from '@flagbridge/core/engine'
import { ConfigCatProvider, useConfigCatClient } from 'configcat-react'
import type { ReactNode } from 'react'
import { createConfigCatBootstrapCache } from './configCatBootstrapCache'
import type { ConfigCatConfig, ConfigCatOptions } from './configCatConfig'
import { UnavailableVendorBinding } from './UnavailableVendorBinding'
import { useRegisterVendor } from './useRegisterVendor'

// One adapter per client, however many times React renders (StrictMode renders twice).
const vendors = new WeakMap<ConfigCatClientLike, FlagVendor>()
function vendorFor(client: ConfigCatClientLike, bootstrap?: ConfigCatBootstrap): FlagVendor {
  let vendor = vendors.get(client)
  if (!vendor) {
    vendor = createConfigCatVendor(client, { bootstrap })
    vendors.set(client, vendor)
  }
  return vendor
}

function ClientVendor({
  client,
  bootstrap,
}: {
  client: ConfigCatClientLike
  bootstrap?: ConfigCatBootstrap
}) {
  useRegisterVendor('configcat', vendorFor(client, bootstrap))
  return null
}

function ProvidedClientVendor({ bootstrap }: { bootstrap: ConfigCatBootstrap | undefined }) {
  return (
    <ClientVendor client={useConfigCatClient() as unknown as ConfigCatClientLike} bootstrap={bootstrap} />
  )
}

/**
 * The options `ConfigCatProvider` creates its client with (it reads them once, when it creates
 * the client): a bootstrap's config becomes the client's cache, so it has flags at once. A
 * `defaultUser` is left out: FlagBridge's `user` is the client's default user, and another one
 * would serve an anonymous visitor that user's values until FlagBridge clears it.
 */
function clientOptions(config: Extract<ConfigCatConfig, { sdkKey: string }>) {
  const serialized = config.bootstrap?.config
  const options: ConfigCatOptions = { ...config.options, defaultUser: undefined }
  if (typeof serialized === 'string') options.cache = createConfigCatBootstrapCache(serialized)
  return options
}

/**
 * Renders configcat-react's `ConfigCatProvider` (so the app's own `useFeatureFlag` keeps
 * working) and feeds its client to FlagBridge. An invalid SDK key, which would make
 * `ConfigCatProvider` throw, serves defaults with an `INVALID_OPTIONS` error instead.
 */
export function ConfigCatBinding({ config, children }: { config: ConfigCatConfig; children?: ReactNode }) {
  if ('client' in config) {
    return (
      <>
        <ClientVendor client={config.client} />
        {children}
      </>
    )
  }
  if (!isValidConfigCatSdkKey(config.sdkKey, config.options)) {
    const error = new FlagBridgeError(
      'INVALID_OPTIONS',
      process.env.NODE_ENV !== 'production'
        ? `ConfigCat refuses the SDK key ${JSON.stringify(config.sdkKey)}: copy it from the ConfigCat dashboard. Flags serve their defaults.`
        : `configcat.sdkKey ${JSON.stringify(config.sdkKey)}`,
    )
    return (
      <UnavailableVendorBinding provider="configcat" error={error}>
        {children}
      </UnavailableVendorBinding>
    )
  }
  return (
    <ConfigCatProvider
      sdkKey={config.sdkKey}
      pollingMode={config.pollingMode}
      options={clientOptions(config) as never}
      id={config.id}
    >
      <ProvidedClientVendor bootstrap={config.bootstrap} />
      {children}
    </ConfigCatProvider>
  )
}
