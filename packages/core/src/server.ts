// `@flagbridge/core/server`: what server code (Server Components, route handlers) calls to give
// the browser's provider a first render with served values. Kept out of the main entry, so no
// browser bundle carries it.
export type {
  BootstrappedFlag,
  ConfigCatBootstrap,
  ConfigCatServerClientLike,
} from './configCatBootstrap'
export { getConfigCatBootstrap } from './configCatBootstrap'
export type { ConfigCatServerCache } from './configCatServerCache'
export { createConfigCatServerCache } from './configCatServerCache'
export { toConfigCatUser } from './configCatVendor'
export { FlagBridgeError } from './errors'
export type { FlagBridgeBootstrap, FlagBridgeServerSources } from './flagBridgeBootstrap'
export { getFlagBridgeBootstrap } from './flagBridgeBootstrap'
export type { LaunchDarklyBootstrapOptions, LaunchDarklyServerClientLike } from './launchDarklyBootstrap'
export { getLaunchDarklyBootstrap } from './launchDarklyBootstrap'
export type { LaunchDarklyContext } from './launchDarklyContext'
export { toLaunchDarklyContext } from './launchDarklyContext'
export type { LaunchDarklyBootstrap } from './launchDarklyVendor'
export type { ServerHelperOptions } from './serverHelperOptions'
export type { FlagBridgeUser } from './user'
