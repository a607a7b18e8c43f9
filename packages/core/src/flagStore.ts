import { evaluateFlag } from './evaluateFlag'
import { type FlagEvaluation, type FlagProvider, type FlagValue, isSameEvaluation } from './evaluation'
import type { FlagBridgeUser } from './user'
import type { FlagVendor } from './vendor'

/** Which vendor serves which key: per-flag choices, then the vendor that knows the key, then `default`. */
export interface RoutingOptions {
  default?: FlagProvider
  flags?: Record<string, FlagProvider>
}

/** A local value that replaces what the vendor serves (devtools, tests). */
export interface FlagOverride {
  provider: FlagProvider | undefined
  key: string
  value: FlagValue
}

interface CachedEvaluation {
  key: string
  source: FlagProvider | undefined
  defaultValue: unknown
  evaluation: FlagEvaluation<unknown>
  server?: FlagEvaluation<unknown>
}

const PROVIDERS: readonly FlagProvider[] = ['configcat', 'launchdarkly']

function defaultSignature(value: unknown): string {
  return typeof value === 'object' && value !== null
    ? `o:${JSON.stringify(value)}`
    : `${typeof value}:${String(value)}`
}

/**
 * The store the hooks read: one memoized snapshot per (key, source, default), per-key
 * subscriptions, identity and overrides. Snapshots are recomputed only when a vendor
 * reports a change, and listeners hear only about keys whose snapshot really changed.
 *
 * @example
 * const store = createFlagStore({ vendors: { configcat: createConfigCatVendor(client) } })
 * const unsubscribe = store.subscribe('newCheckout', render)
 * store.getEvaluation('newCheckout', false).value
 */
export function createFlagStore(
  options: {
    vendors?: Partial<Record<FlagProvider, FlagVendor>>
    routing?: RoutingOptions
    user?: FlagBridgeUser | undefined
    /** Listen to vendors at once (default); with `false`, from `connect()` on. */
    autoConnect?: boolean
  } = {},
) {
  const vendors: Partial<Record<FlagProvider, FlagVendor>> = {}
  const vendorUnsubscribes: Partial<Record<FlagProvider, () => void>> = {}
  const cache = new Map<string, CachedEvaluation>()
  const keyListeners = new Map<string, Set<() => void>>()
  const anyListeners = new Set<() => void>()
  const overrides = new Map<string, FlagOverride>()
  const knownKeys: Partial<Record<FlagProvider, Set<string>>> = {}
  let routing: RoutingOptions = options.routing ?? {}
  let user: FlagBridgeUser | undefined = options.user
  let version = 0
  let connected = false

  const overrideId = (provider: FlagProvider | undefined, key: string) => `${provider ?? '*'}\u0001${key}`

  const knows = (provider: FlagProvider, key: string) => {
    const vendor = vendors[provider]
    if (!vendor) return false
    let keys = knownKeys[provider]
    if (!keys) {
      try {
        keys = new Set(vendor.keys())
      } catch {
        // A vendor that can't list its keys knows none: routing falls back to routing.default.
        keys = new Set()
      }
      knownKeys[provider] = keys
    }
    return keys.has(key)
  }

  const isLoading = (vendor: FlagVendor | undefined) => {
    try {
      return vendor?.state().status === 'loading'
    } catch {
      return false
    }
  }

  const route = (key: string, source: FlagProvider | undefined): FlagProvider | undefined => {
    if (source) return source
    // hasOwn: keys like "constructor" must not pick up Object.prototype members.
    const routed = routing.flags && Object.hasOwn(routing.flags, key) ? routing.flags[key] : undefined
    if (routed) return routed
    // The vendor that knows the key; on a tie, routing.default (else ConfigCat, then LaunchDarkly).
    // A preferred vendor still loading may know it too: wait for it rather than serve another's value first.
    const preferred = routing.default
      ? [routing.default, ...PROVIDERS.filter((p) => p !== routing.default)]
      : PROVIDERS
    for (const provider of preferred) {
      if (vendors[provider] && (knows(provider, key) || isLoading(vendors[provider]))) return provider
    }
    return routing.default ?? PROVIDERS.find((provider) => vendors[provider])
  }

  const evaluate = (
    key: string,
    source: FlagProvider | undefined,
    defaultValue: unknown,
    server: boolean,
  ): FlagEvaluation<unknown> => {
    const provider = typeof key === 'string' && key.length > 0 ? route(key, source) : undefined
    const override = overrides.get(overrideId(provider, key)) ?? overrides.get(overrideId(undefined, key))
    const vendor = provider ? vendors[provider] : undefined
    return evaluateFlag({ key, defaultValue, provider, vendor, override, user, server })
  }

  const notify = (keys: Iterable<string>) => {
    for (const key of keys) {
      const listeners = keyListeners.get(key)
      if (listeners) for (const listener of [...listeners]) listener()
    }
    for (const listener of [...anyListeners]) listener()
  }

  /** Re-evaluates cached snapshots (all, or the given keys) and notifies readers of those that changed. */
  let refreshing = false
  let refreshAgain: Set<string> | 'all' | undefined
  const refresh = (keys?: readonly string[]) => {
    // A vendor that reports a change while being evaluated must not recurse: note it, run once more after.
    if (refreshing) {
      if (!keys || refreshAgain === 'all') refreshAgain = 'all'
      else refreshAgain = new Set([...(refreshAgain ?? []), ...keys])
      return
    }
    refreshing = true
    const changed = new Set<string>()
    try {
      let only: Set<string> | undefined = keys ? new Set(keys) : undefined
      for (let pass = 0; pass < 3; pass++) {
        for (const entry of cache.values()) {
          if (only && !only.has(entry.key)) continue
          const next = evaluate(entry.key, entry.source, entry.defaultValue, false)
          if (!isSameEvaluation(entry.evaluation, next)) {
            entry.evaluation = next
            changed.add(entry.key)
          }
        }
        if (!refreshAgain) break
        only = refreshAgain === 'all' ? undefined : refreshAgain
        refreshAgain = undefined
      }
    } finally {
      refreshing = false
      refreshAgain = undefined
    }
    version++
    notify(changed)
  }

  const cached = (key: string, defaultValue: unknown, source: FlagProvider | undefined) => {
    const id = `${source ?? ''}\u0001${key}\u0001${defaultSignature(defaultValue)}`
    let entry = cache.get(id)
    if (!entry) {
      entry = { key, source, defaultValue, evaluation: evaluate(key, source, defaultValue, false) }
      cache.set(id, entry)
    }
    return entry
  }

  const store = {
    /**
     * The memoized snapshot for a key: the same object until the served value, variation,
     * state or identity changes (as `useSyncExternalStore` requires).
     */
    getEvaluation<T>(key: string, defaultValue: T, source?: FlagProvider): FlagEvaluation<T> {
      return cached(key, defaultValue, source).evaluation as FlagEvaluation<T>
    },
    /** The snapshot the server rendered: defaults, or bootstrapped values (for hydration). */
    getServerEvaluation<T>(key: string, defaultValue: T, source?: FlagProvider): FlagEvaluation<T> {
      const entry = cached(key, defaultValue, source)
      entry.server ??= evaluate(key, source, defaultValue, true)
      return entry.server as FlagEvaluation<T>
    },
    subscribe(key: string, listener: () => void): () => void {
      let listeners = keyListeners.get(key)
      if (!listeners) {
        listeners = new Set()
        keyListeners.set(key, listeners)
      }
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) keyListeners.delete(key)
      }
    },
    /** Hears about every change (the overlay). */
    subscribeAll(listener: () => void): () => void {
      anyListeners.add(listener)
      return () => anyListeners.delete(listener)
    },
    /** Increases with every change; a cheap snapshot for whole-store readers. */
    version: () => version,
    setVendor(provider: FlagProvider, vendor: FlagVendor | undefined) {
      if (vendors[provider] === vendor) return
      vendorUnsubscribes[provider]?.()
      delete vendorUnsubscribes[provider]
      delete knownKeys[provider]
      if (vendor) {
        vendors[provider] = vendor
        if (connected) watchVendor(provider, vendor)
      } else {
        delete vendors[provider]
      }
      for (const entry of cache.values()) delete entry.server
      refresh()
    },
    vendor: (provider: FlagProvider) => vendors[provider],
    setRouting(next: RoutingOptions) {
      routing = next
      refresh()
    },
    setUser(next: FlagBridgeUser | undefined) {
      user = next
      refresh()
    },
    user: () => user,
    setOverride(override: FlagOverride) {
      overrides.set(overrideId(override.provider, override.key), override)
      refresh([override.key])
    },
    clearOverride(key: string, provider?: FlagProvider) {
      if (overrides.delete(overrideId(provider, key))) refresh([key])
    },
    clearOverrides() {
      const keys = [...overrides.values()].map((override) => override.key)
      overrides.clear()
      refresh(keys)
    },
    overrides: () => [...overrides.values()],
    /** Every key any vendor knows plus every key evaluated, with its current snapshot. */
    knownKeys(): Array<{ key: string; provider: FlagProvider }> {
      const seen: Array<{ key: string; provider: FlagProvider }> = []
      for (const provider of PROVIDERS) {
        if (!vendors[provider]) continue
        knows(provider, '')
        for (const key of knownKeys[provider] ?? []) seen.push({ key, provider })
      }
      return seen
    },
    cachedEvaluations: () => [...cache.values()].map((entry) => entry.evaluation),
    /** Starts listening to the vendors (idempotent) and catches up with what changed meanwhile. */
    connect() {
      if (connected) return
      connected = true
      for (const provider of PROVIDERS) {
        const vendor = vendors[provider]
        if (vendor) watchVendor(provider, vendor)
      }
      refresh()
    },
    disconnect() {
      connected = false
      for (const provider of PROVIDERS) {
        vendorUnsubscribes[provider]?.()
        delete vendorUnsubscribes[provider]
      }
    },
    dispose() {
      store.disconnect()
    },
  }
  function watchVendor(provider: FlagProvider, vendor: FlagVendor) {
    try {
      vendorUnsubscribes[provider] = vendor.subscribe((keys) => {
        delete knownKeys[provider]
        refresh(keys)
      })
    } catch {
      // A vendor that can't be watched still serves; its evaluations carry its errors.
    }
  }
  for (const provider of PROVIDERS) {
    const vendor = options.vendors?.[provider]
    if (vendor) store.setVendor(provider, vendor)
  }
  if (options.autoConnect !== false) store.connect()
  return store
}

export type FlagStore = ReturnType<typeof createFlagStore>
