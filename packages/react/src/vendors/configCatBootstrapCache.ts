/**
 * The cache the browser's ConfigCat client starts from when the server sent a bootstrap: its
 * first read is the server's serialized config (`fetchTime\netag\nconfigJson`), so the client
 * has flags synchronously, in the first render; what the client fetches later (polling, with
 * the config's ETag) replaces it. Kept in memory: every page load brings a fresh server config.
 */
export function createConfigCatBootstrapCache(serializedConfig: string) {
  let latest = serializedConfig
  return {
    get: (_key: string) => latest,
    set(_key: string, value: string) {
      latest = value
    },
  }
}
