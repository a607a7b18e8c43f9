/**
 * A `cache` for ConfigCat's server SDK (`@configcat/sdk`'s `IConfigCatCache`) that remembers the
 * config the SDK last fetched, in ConfigCat's own serialized form (`fetchTime\netag\nconfigJson`,
 * the format its SDKs share caches in), so it can be handed to the browser's SDK.
 */
export interface ConfigCatServerCache {
  /** Called by the SDK with every config it fetched. */
  set(key: string, value: string): void
  /** Called by the SDK before it evaluates: what it stored, if anything. */
  get(key: string): string | undefined
  /** The serialized config the SDK fetched last, or `undefined` before the first one. */
  serialized(): string | undefined
}

/**
 * A cache for the ConfigCat client your server creates: give one to each client, as its
 * `cache` option, and the same object to {@link getConfigCatBootstrap}.
 *
 * @example
 * import { getClient, PollingMode } from '@configcat/sdk'
 * import { createConfigCatServerCache } from '@flagbridge/react/server'
 *
 * export const configCatCache = createConfigCatServerCache()
 * export const configCat = getClient(process.env.CONFIGCAT_SDK_KEY!, PollingMode.AutoPoll, {
 *   cache: configCatCache,
 * })
 */
export function createConfigCatServerCache(): ConfigCatServerCache {
  let latest: string | undefined
  return {
    set(_key, value) {
      latest = value
    },
    get() {
      return latest
    },
    serialized: () => latest,
  }
}
