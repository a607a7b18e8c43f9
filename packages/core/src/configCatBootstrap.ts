import type { ConfigCatServerCache } from './configCatServerCache'
import { type ConfigCatUser, toConfigCatUser } from './configCatVendor'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagValue } from './evaluation'
import { type ServerHelperOptions, serverReporter } from './serverHelperOptions'
import { checkUser } from './user'

/** One flag as the server evaluated it for the user. */
export interface BootstrappedFlag {
  value: FlagValue
  variationId?: string
  reason?: string
  /** Served through a percentage option: part of an experiment (`tracking.exposures: 'experiments'`). */
  inExperiment?: boolean
}

/**
 * What the browser's ConfigCat needs for a first render with served values: the config
 * (seeded into its SDK's cache, so it evaluates at once and polls on from there) and the
 * values the server evaluated for the user (what the server renders and hydration matches).
 */
export interface ConfigCatBootstrap {
  /** ConfigCat's serialized config: `fetchTime\netag\nconfigJson`. */
  config: string
  flags: Record<string, BootstrappedFlag>
  /**
   * Whose `flags` these are: the user id the server evaluated for, `null` for an anonymous
   * visitor. For any other `user` they render as loading and are never sent.
   */
  user?: string | null
}

/** The part of a `@configcat/sdk` client (Node, or any server SDK flavour) the helper uses. */
export interface ConfigCatServerClientLike {
  waitForReady(): Promise<unknown>
  snapshot(): {
    readonly cacheState: number
    getAllKeys(): readonly string[]
    getValueDetails(
      key: string,
      defaultValue: any,
      user?: ConfigCatUser,
    ): {
      value: unknown
      variationId?: string | null
      isDefaultValue: boolean
      matchedTargetingRule?: unknown
      matchedPercentageOption?: unknown
    }
  }
}

const NO_FLAG_DATA = 0
/** Clients whose missing config was reported: said once per outage, not on every request. */
const missingConfig = new WeakSet<ConfigCatServerClientLike>()

/**
 * Evaluates every ConfigCat flag for `user` on the server and packs the config for the
 * browser: pass the result as `configcat={{ sdkKey, bootstrap }}` to `<FlagBridgeProvider>`.
 * Resolves to `undefined` (and reports a `VENDOR_ERROR`) when ConfigCat has no config, so
 * the page renders with defaults and the browser's SDK fetches on its own (said once until a
 * config arrives, not on every request). Never rejects.
 *
 * @example
 * const bootstrap = await getConfigCatBootstrap({ client: configCat, cache: configCatCache }, user)
 */
export async function getConfigCatBootstrap(
  source: { client: ConfigCatServerClientLike; cache: ConfigCatServerCache },
  user: unknown,
  options: ServerHelperOptions = {},
): Promise<ConfigCatBootstrap | undefined> {
  const report = serverReporter(options.onError)
  const checked = checkUser(user, report)
  try {
    // Settles once a config is in, or after the client's maxInitWaitTimeSeconds.
    await source.client.waitForReady()
    // Read together, in one tick: the cache and the snapshot hold the same config.
    const config = source.cache.serialized()
    const snapshot = source.client.snapshot()
    if (snapshot.cacheState === NO_FLAG_DATA || config === undefined) {
      if (missingConfig.has(source.client)) return undefined
      missingConfig.add(source.client)
      report(
        new FlagBridgeError(
          'VENDOR_ERROR',
          config === undefined && snapshot.cacheState !== NO_FLAG_DATA
            ? 'ConfigCat on the server has flags but nothing in its cache: give its client `cache: createConfigCatServerCache()` and pass that cache here. The page renders ConfigCat flags with their defaults.'
            : 'ConfigCat on the server has no config (its CDN failed or timed out): the page renders ConfigCat flags with their defaults, and the browser fetches them itself.',
        ),
      )
      return undefined
    }
    missingConfig.delete(source.client)
    const configCatUser = checked ? toConfigCatUser(checked) : undefined
    const flags: Record<string, BootstrappedFlag> = {}
    for (const key of snapshot.getAllKeys()) {
      // A null default serves the setting whatever its type, as the browser's vendor reads it.
      const details = snapshot.getValueDetails(key, null, configCatUser)
      if (details.isDefaultValue) continue
      const flag: BootstrappedFlag = {
        value: details.value as FlagValue,
        reason: details.matchedTargetingRule
          ? 'RULE_MATCH'
          : details.matchedPercentageOption
            ? 'PERCENTAGE_ROLLOUT'
            : 'FALLTHROUGH',
      }
      if (details.variationId) flag.variationId = details.variationId
      if (details.matchedPercentageOption != null) flag.inExperiment = true
      flags[key] = flag
    }
    return { config, flags, user: checked?.id ?? null }
  } catch (error) {
    report(toFlagBridgeError('VENDOR_ERROR', 'ConfigCat on the server failed', error))
    return undefined
  }
}
