import { evaluateFlag } from './evaluateFlag'
import { type FlagEvaluation, type FlagProvider, type FlagValue, isSameEvaluation } from './evaluation'
import { batchPerMicrotask } from './microtaskBatch'
import type { FlagBridgeUser } from './user'
import type { FlagVendor } from './vendor'

/**
 * Which vendor serves which key: `routing.flags[key]`, else the vendor that knows the key (both:
 * `default`, else ConfigCat), else `default`. A vendor "knows" what it had when it was last ready;
 * a key once served by a vendor stays with it for the page. See {@link createFlagStore}.
 */
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
  /** The client snapshot; computed on first read, so a hydrating render routes from the server's view first. */
  evaluation?: FlagEvaluation<unknown>
  server?: FlagEvaluation<unknown>
  /** Something changed while no one subscribed: re-evaluated on the next read instead. */
  stale?: boolean
}

const PROVIDERS: readonly FlagProvider[] = ['configcat', 'launchdarkly']

// Defaults JSON can't write (cycles) are told apart by identity.
const unwritable = new WeakMap<object, number>()
let unwritableCount = 0

/**
 * A snapshot's id among its key's: the default itself for a boolean, number, null or undefined
 * read with no explicit source (most reads, no string built), else a text naming source and
 * default (never equal to those).
 */
function entryId(defaultValue: unknown, source: FlagProvider | undefined): unknown {
  if (
    source === undefined &&
    (defaultValue === null ||
      (typeof defaultValue !== 'object' &&
        typeof defaultValue !== 'string' &&
        typeof defaultValue !== 'function'))
  )
    return defaultValue
  return `${source ?? ''}\u0001${defaultSignature(defaultValue)}`
}

function defaultSignature(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `${typeof value}:${String(value)}`
  try {
    return `o:${JSON.stringify(value)}`
  } catch {
    let id = unwritable.get(value)
    if (id === undefined) {
      id = ++unwritableCount
      unwritable.set(value, id)
    }
    return `r:${id}`
  }
}

/**
 * The store the hooks read: one memoized snapshot per (key, source, default), per-key
 * subscriptions, identity and overrides. Snapshots are recomputed only when a vendor
 * reports a change, and listeners hear only about keys whose snapshot really changed.
 * Snapshots no component subscribes to are not re-evaluated on changes (only when read again),
 * and are dropped once their last reader unsubscribed.
 *
 * Routing never depends on who is still loading: a vendor "knows" the keys it had when it was
 * last ready (a vendor loading or identifying keeps its earlier answer), and a key once served
 * by a vendor stays with that vendor for the page while it still knows the key. A key nobody
 * knows yet waits (as loading) for a vendor still on its first load. Server
 * snapshots (and the hydrating render) route from what both sides know: bootstrapped flags.
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
  /** Snapshots by key, then by source and default ({@link entryId}). */
  const cache = new Map<string, Map<unknown, CachedEvaluation>>()
  const allEntries = () => [...cache.values()].flatMap((entries) => [...entries.values()])
  const keyListeners = new Map<string, Set<() => void>>()
  const anyListeners = new Set<() => void>()
  const overrides = new Map<string, FlagOverride>()
  /** What each vendor knew when it was last ready, and whether it has changed since. */
  const knownKeys: Partial<Record<FlagProvider, { keys: Set<string>; stale: boolean }>> = {}
  /** Vendors that have been ready at least once on this page. */
  const everReady = new Set<FlagProvider>()
  /** The vendor that served each unrouted key on this page: it keeps the key. */
  const servedBy = new Map<string, FlagProvider>()
  let routing: RoutingOptions = options.routing ?? {}
  let user: FlagBridgeUser | undefined = options.user
  let version = 0
  let connected = false

  const overrideId = (provider: FlagProvider | undefined, key: string) => `${provider ?? '*'}\u0001${key}`

  const isLoading = (vendor: FlagVendor) => {
    try {
      return vendor.state().status === 'loading'
    } catch {
      return false
    }
  }

  const knows = (provider: FlagProvider, key: string, server: boolean) => {
    const vendor = vendors[provider]
    if (!vendor) return false
    if (server) return vendor.serverEvaluate?.(key).isDefault === false
    let known = knownKeys[provider]
    // A vendor still loading (or identifying) keeps what it knew; before its first answer, it knows nothing.
    if (!known || (known.stale && !isLoading(vendor))) {
      let keys: Set<string>
      try {
        keys = new Set(vendor.keys())
      } catch {
        // A vendor that can't list its keys knows none: routing falls back to routing.default.
        keys = new Set()
      }
      known = { keys, stale: isLoading(vendor) }
      knownKeys[provider] = known
      if (!known.stale) everReady.add(provider)
    }
    return known.keys.has(key)
  }

  /** Routes `key`, and says whether the choice came from the vendors' knowledge (not from the app). */
  const route = (
    key: string,
    source: FlagProvider | undefined,
    server: boolean,
  ): { provider: FlagProvider | undefined; inferred: boolean } => {
    if (source) return { provider: source, inferred: false }
    // hasOwn: keys like "constructor" must not pick up Object.prototype members.
    const routed = routing.flags && Object.hasOwn(routing.flags, key) ? routing.flags[key] : undefined
    if (routed) return { provider: routed, inferred: false }
    const remembered = servedBy.get(key)
    if (remembered && knows(remembered, key, server)) return { provider: remembered, inferred: true }
    const preferred = routing.default
      ? [routing.default, ...PROVIDERS.filter((p) => p !== routing.default)]
      : PROVIDERS
    for (const provider of preferred) {
      if (knows(provider, key, server)) return { provider, inferred: true }
    }
    // Nobody knows it yet: a vendor still on its first load may (its flags read as loading).
    if (!server) {
      const first = preferred.find(
        (provider) => vendors[provider] && !everReady.has(provider) && isLoading(vendors[provider]!),
      )
      if (first) return { provider: first, inferred: true }
    }
    return { provider: routing.default ?? PROVIDERS.find((provider) => vendors[provider]), inferred: false }
  }

  const evaluate = (
    key: string,
    source: FlagProvider | undefined,
    defaultValue: unknown,
    server: boolean,
  ): FlagEvaluation<unknown> => {
    const { provider, inferred } =
      typeof key === 'string' && key.length > 0
        ? route(key, source, server)
        : { provider: undefined, inferred: false }
    // The server never has overrides: a boundary hydrating after one was set must match its HTML.
    const override = server
      ? undefined
      : (overrides.get(overrideId(provider, key)) ?? overrides.get(overrideId(undefined, key)))
    const vendor = provider ? vendors[provider] : undefined
    const evaluation = evaluateFlag({ key, defaultValue, provider, vendor, override, user, server })
    // Shown once, the key stays with this vendor for the page (also when the server render chose it).
    if (inferred && provider && !evaluation.isDefault && !evaluation.overridden) servedBy.set(key, provider)
    return evaluation
  }

  const notify = (keys: Iterable<string>) => {
    for (const key of keys) {
      const listeners = keyListeners.get(key)
      if (listeners) for (const listener of [...listeners]) listener()
    }
    for (const listener of [...anyListeners]) listener()
  }

  /**
   * Re-evaluates cached snapshots (all, or the given keys) and notifies readers of those that
   * changed. A snapshot no one subscribes to is only marked stale: a vendor isn't asked about
   * flags no component shows.
   */
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
        for (const entry of allEntries()) {
          if (only && !only.has(entry.key)) continue
          if (!entry.evaluation) continue
          if (!keyListeners.has(entry.key)) {
            entry.stale = true
            continue
          }
          if (reevaluate(entry)) changed.add(entry.key)
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

  /** Snapshots a change replaced: one a component committed before re-rendering was never painted. */
  const superseded = new WeakSet<FlagEvaluation<unknown>>()
  /** Evaluates an entry again; `true` when its snapshot changed (else the old object is kept). */
  const reevaluate = (entry: CachedEvaluation) => {
    entry.stale = false
    const next = evaluate(entry.key, entry.source, entry.defaultValue, false)
    // The first client snapshot equal to the server's is the server's: hydration re-renders nothing, sends once.
    const before = entry.evaluation ?? entry.server
    if (before && isSameEvaluation(before, next)) {
      entry.evaluation = before
      return false
    }
    // The server's snapshot was painted (the server's HTML): only a client snapshot can be superseded.
    if (entry.evaluation && entry.evaluation !== entry.server) superseded.add(entry.evaluation)
    entry.evaluation = next
    return true
  }

  /** Keys whose last reader unsubscribed: their snapshots go, unless a reader is back by then (StrictMode). */
  const orphans = new Set<string>()
  const sweep = batchPerMicrotask(() => {
    for (const key of orphans) {
      if (keyListeners.has(key)) continue
      cache.delete(key)
    }
    orphans.clear()
  })

  const cached = (key: string, defaultValue: unknown, source: FlagProvider | undefined) => {
    let byDefault = cache.get(key)
    if (!byDefault) {
      byDefault = new Map()
      cache.set(key, byDefault)
    }
    const id = entryId(defaultValue, source)
    let entry = byDefault.get(id)
    if (!entry) {
      entry = { key, source, defaultValue }
      byDefault.set(id, entry)
    }
    return entry
  }

  const store = {
    /**
     * The memoized snapshot for a key: the same object until the served value, variation,
     * state or identity changes (as `useSyncExternalStore` requires).
     */
    getEvaluation<T>(key: string, defaultValue: T, source?: FlagProvider): FlagEvaluation<T> {
      const entry = cached(key, defaultValue, source)
      if (!entry.evaluation || entry.stale) reevaluate(entry)
      return entry.evaluation as FlagEvaluation<T>
    },
    /**
     * `true` once a change (vendor, user, override) has replaced this snapshot: a component that
     * committed it re-renders with the new one, so it is not what the visitor sees.
     */
    isSuperseded: (evaluation: FlagEvaluation<unknown>): boolean => superseded.has(evaluation),
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
        if (listeners.size > 0 || keyListeners.get(key) !== listeners) return
        keyListeners.delete(key)
        orphans.add(key)
        sweep()
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
      for (const [key, served] of servedBy) if (served === provider) servedBy.delete(key)
      if (vendor) {
        vendors[provider] = vendor
        if (connected) watchVendor(provider, vendor)
      } else {
        delete vendors[provider]
      }
      for (const entry of allEntries()) delete entry.server
      refresh()
    },
    vendor: (provider: FlagProvider) => vendors[provider],
    setRouting(next: RoutingOptions) {
      // Keys already shown stay with their vendor unless `flags` names another: `flags` wins over memory.
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
        knows(provider, '', false)
        for (const key of knownKeys[provider]?.keys ?? []) seen.push({ key, provider })
      }
      return seen
    },
    cachedEvaluations: () => allEntries().flatMap((entry) => (entry.evaluation ? [entry.evaluation] : [])),
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
        const known = knownKeys[provider]
        if (known) known.stale = true
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
