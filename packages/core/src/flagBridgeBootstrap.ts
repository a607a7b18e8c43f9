import {
  type ConfigCatBootstrap,
  type ConfigCatServerClientLike,
  getConfigCatBootstrap,
} from './configCatBootstrap'
import type { ConfigCatServerCache } from './configCatServerCache'
import {
  getLaunchDarklyBootstrap,
  type LaunchDarklyBootstrapOptions,
  type LaunchDarklyServerClientLike,
} from './launchDarklyBootstrap'
import type { LaunchDarklyBootstrap } from './launchDarklyVendor'
import { type ServerHelperOptions, serverReporter } from './serverHelperOptions'
import { checkUser } from './user'

/** What `<FlagBridgeProvider>` needs from the server for a first render with served values. */
export interface FlagBridgeBootstrap {
  /** For `configcat={{ sdkKey, bootstrap }}`; absent when the server had no ConfigCat config. */
  configcat?: ConfigCatBootstrap
  /** For `launchdarkly={{ clientSideID, options: { bootstrap } }}`; absent when the server SDK failed. */
  launchdarkly?: LaunchDarklyBootstrap
}

/** The server SDK clients {@link getFlagBridgeBootstrap} reads; give the vendors you use. */
export interface FlagBridgeServerSources {
  configcat?: { client: ConfigCatServerClientLike; cache: ConfigCatServerCache }
  launchdarkly?: { client: LaunchDarklyServerClientLike } & Pick<LaunchDarklyBootstrapOptions, 'timeoutMs'>
}

/**
 * Both vendors' bootstraps for one request's user, fetched in parallel: call it in a Server
 * Component (or any server code) with the same user you give `<FlagBridgeProvider user>`.
 * Nothing is tracked on the server. A vendor that fails is left out and reported through
 * `onError` (default `console.error`): its flags render with their defaults. Never rejects.
 *
 * @example
 * const bootstrap = await getFlagBridgeBootstrap(user, {
 *   configcat: { client: configCat, cache: configCatCache },
 *   launchdarkly: { client: launchDarkly },
 * })
 * // → <Providers user={user} bootstrap={bootstrap}>
 */
export async function getFlagBridgeBootstrap(
  user: unknown,
  sources: FlagBridgeServerSources,
  options: ServerHelperOptions = {},
): Promise<FlagBridgeBootstrap> {
  // Checked once here, so a refused user is reported once, not per vendor.
  const checked = checkUser(user, serverReporter(options.onError))
  const [configcat, launchdarkly] = await Promise.all([
    sources.configcat ? getConfigCatBootstrap(sources.configcat, checked, options) : undefined,
    sources.launchdarkly
      ? getLaunchDarklyBootstrap(sources.launchdarkly.client, checked, {
          ...options,
          timeoutMs: sources.launchdarkly.timeoutMs,
        })
      : undefined,
  ])
  const bootstrap: FlagBridgeBootstrap = {}
  if (configcat) bootstrap.configcat = configcat
  if (launchdarkly) bootstrap.launchdarkly = launchdarkly
  return bootstrap
}
