// No 'use client': this entry is for Server Components, route handlers and other server code.
// It holds no React and no browser code; tsup builds it without the client banner.

/**
 * Server helpers for `<FlagBridgeProvider>`'s first render with served values (Next.js App
 * Router, or any server rendering): evaluate every flag for the request's user with the vendors'
 * server SDKs and hand the result to the client provider. Nothing is tracked on the server.
 *
 * @example
 * import { getFlagBridgeBootstrap } from '@flagbridge/react/server'
 * const bootstrap = await getFlagBridgeBootstrap(user, {
 *   configcat: { client: configCat, cache: configCatCache },
 *   launchdarkly: { client: launchDarkly },
 * })
 */
export type {
  BootstrappedFlag,
  ConfigCatBootstrap,
  ConfigCatServerCache,
  ConfigCatServerClientLike,
  FlagBridgeBootstrap,
  FlagBridgeServerSources,
  FlagBridgeUser,
  LaunchDarklyBootstrap,
  LaunchDarklyBootstrapOptions,
  LaunchDarklyServerClientLike,
  ServerHelperOptions,
} from '@flagbridge/core/server'
export {
  createConfigCatServerCache,
  FlagBridgeError,
  getConfigCatBootstrap,
  getFlagBridgeBootstrap,
  getLaunchDarklyBootstrap,
  toConfigCatUser,
  toLaunchDarklyContext,
} from '@flagbridge/core/server'
