import type { AnalyticsDestination, DestinationCall, DestinationState } from './destination'
import { FlagBridgeError } from './errors'
import type { FlagValue } from './evaluation'
import { createHeapExperimentViewed, EXPERIMENT_VIEWED } from './experimentViewed'
import {
  createHeapTrack,
  DEFAULT_MAX_VALUE_LENGTH,
  exposedValue,
  type HeapScalar,
  toHeapScalar,
} from './exposure'
import { createEventPropertyBudget, DEFAULT_HEAP_BUDGET } from './heapEventProperties'
import { publicTraits } from './publicTraits'
import type { FlagBridgeUser } from './user'

/** The `window.heap` methods FlagBridge calls (heap.js, or the snippet's queueing stubs). */
export interface HeapLike {
  identify(identity: string): void
  resetIdentity(): void
  addUserProperties(properties: Record<string, unknown>): void
  addEventProperties(properties: Record<string, HeapScalar>): void
  removeEventProperty(name: string): void
  track(event: string, properties?: Record<string, HeapScalar>): void
  onReady?(callback: () => void): void
  /** heap.js (loaded) only: the snippet's stubs would queue the call instead of answering. */
  getUserId?(): string | undefined
  getIdentity?(): string | null | undefined
  loaded?: boolean
  /** Heap 4's identity (Heap 5 has `getIdentity()`). */
  identity?: string | null
}

export interface HeapDestinationOptions {
  /**
   * The Heap API, or a getter for it; defaults to `globalThis.heap`, looked up until it appears.
   * The snippet's stub (what `window.heap` is before heap.js loads) works too: heap.js replaces
   * it, and FlagBridge then uses the loaded `globalThis.heap`.
   */
  api?: HeapLike | (() => HeapLike | undefined) | undefined
  /** Encoded byte budget for flag event properties (default 3,000, below Heap's 4 KB cookie). */
  eventPropertyBudget?: number
  maxValueLength?: number
  /** How often to look for heap.js while it hasn't loaded, in ms. */
  pollInterval?: number
  /** How long heap.js may take to load before `HEAP_NOT_LOADED` is reported (once), in ms. Default 10,000. */
  loadTimeout?: number
  /**
   * Remembers which flags are Heap event properties, and for whom (Heap keeps them in a
   * cookie across page loads). Defaults to `localStorage`; `null` turns it off.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null
  /** Hears about flags too large for the budget (`HEAP_BUDGET`) and a Heap that never loads (`HEAP_NOT_LOADED`). */
  onError?: (error: FlagBridgeError) => void
}

const STORAGE_KEY = 'flagbridge:heap-event-properties'
/** Signed-in users whose event properties are kept for their return to the page (as the ledger's identities). */
const MAX_EARLIER_OWNERS = 20

/** What the storage holds: the flags FlagBridge made event properties, and whose they are. */
interface StoredProperties {
  identity: string | null
  properties: Array<[string, HeapScalar]>
  /** Taken off Heap while consent was withdrawn: put back when a page starts with consent. */
  removed?: boolean | undefined
}

function localStorageOrNull(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null
  } catch {
    return null
  }
}

function isScalar(value: unknown): value is HeapScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** Heap keeps scalar user properties only: lists travel as text, nulls are left out. */
function heapUserProperties(user: FlagBridgeUser, launchDarklyKey: string | undefined) {
  const properties: Record<string, HeapScalar> = {}
  if (launchDarklyKey !== undefined) properties.ldUserId = launchDarklyKey
  for (const [name, value] of Object.entries(publicTraits(user))) {
    if (value !== null) properties[name] = toHeapScalar(value as FlagValue)
  }
  return properties
}

/** Heap is ready when heap.js has replaced the snippet (`heap.loaded`) or said so through `onReady`. */
function isLoaded(api: HeapLike | undefined): api is HeapLike {
  return !!api && !Array.isArray(api) && api.loaded === true
}

/** Who heap.js says the visitor is: `getIdentity()` (Heap 5), `identity` (Heap 4); `undefined` when it can't say. */
function heapIdentity(heap: HeapLike): string | null | undefined {
  const identity = typeof heap.getIdentity === 'function' ? heap.getIdentity() : heap.identity
  return typeof identity === 'string' || identity === null ? identity || null : undefined
}

/**
 * Heap over `window.heap`. Events wait in FlagBridge's queue while Heap is absent or
 * still the snippet's queue; each exposure is a `heap.track` plus the flag as an event
 * property, kept under the cookie budget (least recently exposed flags are evicted).
 * Event properties outlive the page (Heap's cookie) but not the identity: a sign-out or
 * another user removes them. Nothing reads or calls `window.heap` before `load()`, which the
 * tracker calls once consent is given.
 *
 * @example
 * createHeapDestination() // uses window.heap when it loads
 */
export function createHeapDestination({
  api,
  eventPropertyBudget = DEFAULT_HEAP_BUDGET,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
  pollInterval = 250,
  loadTimeout = 10_000,
  storage = localStorageOrNull(),
  onError,
}: HeapDestinationOptions = {}): AnalyticsDestination & { eventPropertySize(): number } {
  const listeners = new Set<() => void>()
  const budget = createEventPropertyBudget(eventPropertyBudget)
  const lookup = (): HeapLike | undefined => {
    const given = typeof api === 'function' ? api() : api
    if (isLoaded(given)) return given
    // The snippet's stub, or nothing: heap.js replaces window.heap when it loads.
    const global = (globalThis as { heap?: HeapLike }).heap
    return isLoaded(global) ? global : (given ?? global)
  }
  let readySignalled = false
  // Nothing looks at window.heap before load(): no call, not even onReady, before consent.
  let started = false
  let state: DestinationState = { status: 'loading' }
  let timer: ReturnType<typeof setInterval> | undefined
  let waitedSince: number | undefined
  let askedOnReady: HeapLike | undefined
  /** Consent withdrawn after this page's first call: the flags are off Heap's events meanwhile. */
  let withdrawn = false
  /** Whose flags the event properties hold; `undefined` until this page's first call. */
  let owner: string | null | undefined
  /**
   * The event properties of signed-in users met earlier on this page: one who comes back is not
   * sent their exposures again (the ledger), so their flags come back from here.
   */
  const earlier = new Map<string, Array<[string, HeapScalar]>>()

  const store = () => {
    try {
      const stored: StoredProperties = {
        identity: owner ?? null,
        properties: budget.entries(),
        removed: withdrawn || undefined,
      }
      storage?.setItem(STORAGE_KEY, JSON.stringify(stored))
    } catch {}
  }
  const readStored = (): StoredProperties | undefined => {
    try {
      const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as StoredProperties | null
      if (!stored || !Array.isArray(stored.properties)) return undefined
      const properties = stored.properties.filter(
        (entry): entry is [string, HeapScalar] =>
          Array.isArray(entry) && typeof entry[0] === 'string' && isScalar(entry[1]),
      )
      return {
        identity: typeof stored.identity === 'string' ? stored.identity : null,
        properties,
        removed: stored.removed === true,
      }
    } catch {
      return undefined
    }
  }
  const removeAll = (heap: HeapLike, keys: readonly string[]) => {
    for (const key of keys) heap.removeEventProperty(key)
  }
  /**
   * Before the page's first call: the event properties a previous page left in Heap's cookie
   * are kept when they are this visitor's (the session ledger won't send those flags again),
   * and removed when they are someone else's.
   */
  const startPage = (heap: HeapLike, identity: string | null) => {
    if (owner !== undefined) return
    owner = identity
    const stored = readStored()
    if (!stored) return
    if (stored.identity !== identity) {
      removeAll(
        heap,
        stored.properties.map(([key]) => key),
      )
      store()
      return
    }
    for (const [key, value] of stored.properties) {
      const { remove, tooLarge } = budget.set(key, value)
      removeAll(heap, tooLarge ? [...remove, key] : remove)
    }
    // Taken off while consent was withdrawn on an earlier page: this page has consent again.
    if (stored.removed) restore(heap)
  }
  /** Puts this visitor's flags back on Heap's events. */
  const restore = (heap: HeapLike) => {
    const entries = budget.entries()
    if (entries.length > 0) heap.addEventProperties(Object.fromEntries(entries))
    store()
  }
  const forget = (heap: HeapLike) => {
    removeAll(heap, budget.keys())
    budget.clear()
    store()
  }
  /** The visitor changed: the previous one's flags must not ride on the next one's events. */
  const switchOwner = (heap: HeapLike, identity: string | null) => {
    startPage(heap, identity)
    if (owner === identity) return
    if (owner) {
      earlier.delete(owner)
      earlier.set(owner, budget.entries())
      for (const who of earlier.keys()) if (earlier.size > MAX_EARLIER_OWNERS) earlier.delete(who)
    }
    owner = identity
    forget(heap)
    const restored = identity === null ? undefined : earlier.get(identity)
    if (!restored?.length) return
    for (const [key, value] of restored) budget.set(key, value)
    heap.addEventProperties(Object.fromEntries(restored))
    store()
  }

  const check = () => {
    const heap = lookup()
    // Once heap.js said it is ready, it is not asked again: a heap.js that answers at once,
    // seen through an `api` getter giving a new object each time, would otherwise recurse.
    if (
      !readySignalled &&
      typeof heap?.onReady === 'function' &&
      !Array.isArray(heap) &&
      heap !== askedOnReady
    ) {
      askedOnReady = heap
      try {
        heap.onReady(() => {
          readySignalled = true
          check()
        })
      } catch {}
    }
    if (!isLoaded(heap) && !(readySignalled && heap)) return waitedTooLong()
    stopPolling()
    if (state.status !== 'ready') setState({ status: 'ready' })
  }
  const setState = (next: DestinationState) => {
    state = next
    for (const listener of [...listeners]) listener()
  }
  const waitedTooLong = () => {
    waitedSince ??= Date.now()
    if (state.status !== 'loading' || Date.now() - waitedSince < loadTimeout) return
    const error = new FlagBridgeError(
      'HEAP_NOT_LOADED',
      process.env.NODE_ENV !== 'production'
        ? `heap.js has not loaded after ${Math.round(loadTimeout / 1000)} s (blocked, or the snippet is missing): Heap events wait, bounded by tracking.maxQueueSize.`
        : `heap.js not loaded after ${Math.round(loadTimeout / 1000)} s`,
    )
    // Whoever watches the destination (the overlay's health dot) hears of it now, not on the next change.
    setState({ status: 'error', error })
    onError?.(error)
  }
  const stopPolling = () => {
    clearInterval(timer)
    timer = undefined
  }
  /** Once started, looks for heap.js, and keeps looking while someone listens. */
  const watch = () => {
    if (!started || state.status === 'ready' || timer !== undefined) return
    check()
    // check() may have found Heap loaded already.
    if ((state as DestinationState).status !== 'ready' && listeners.size > 0)
      timer = setInterval(check, pollInterval)
  }

  /** The `heap.track` an exposure is sent as (`tracking.exposureEvents`). */
  const heapTrack = ({ event, exposure }: Extract<DestinationCall, { kind: 'track' }>) =>
    (event === EXPERIMENT_VIEWED ? createHeapExperimentViewed : createHeapTrack)(exposure, maxValueLength)

  return {
    name: 'heap',
    eventPropertySize: () => budget.size(),
    state: () => state,
    load() {
      started = true
      watch()
    },
    subscribe(listener) {
      listeners.add(listener)
      watch()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) stopPolling()
      }
    },
    describe(call) {
      switch (call.kind) {
        case 'identify':
          return {
            name: 'identify',
            payload: {
              identity: call.user.id,
              userProperties: heapUserProperties(call.user, call.launchDarklyKey),
            },
          }
        case 'reset':
          return { name: 'resetIdentity', payload: undefined }
        case 'link':
          return { name: 'addUserProperties', payload: { ldUserId: call.launchDarklyKey } }
        case 'track': {
          const { event, properties } = heapTrack(call)
          return { name: event, payload: { properties } }
        }
      }
    },
    consentChanged(given) {
      const heap = lookup()
      // Before this page's first call FlagBridge has put nothing on Heap's events (nor looked at it).
      if (owner === undefined || !heap || withdrawn === !given) return
      withdrawn = !given
      if (given) return restore(heap)
      // Heap keeps running for the app: FlagBridge's flags must not ride on its events meanwhile.
      removeAll(heap, budget.keys())
      store()
    },
    identity() {
      const heap = lookup()
      if (!isLoaded(heap)) return undefined
      try {
        return { userId: heap.getIdentity?.(), anonymousId: heap.getUserId?.() }
      } catch {
        return undefined
      }
    },
    reconcile(user) {
      const heap = lookup()
      if (!isLoaded(heap)) return false
      const identity = user?.id ?? null
      const persisted = heapIdentity(heap)
      const reset = persisted !== undefined && persisted !== null && persisted !== identity
      if (reset) heap.resetIdentity()
      // Event properties a previous page stored for another identity go, whatever heap.js says.
      startPage(heap, identity)
      if (reset) forget(heap)
      return reset
    },
    send(call) {
      const heap = lookup()
      if (!heap) throw new Error('window.heap is not there')
      switch (call.kind) {
        case 'identify': {
          switchOwner(heap, call.user.id)
          heap.identify(call.user.id)
          const properties = heapUserProperties(call.user, call.launchDarklyKey)
          if (Object.keys(properties).length > 0) heap.addUserProperties(properties)
          return
        }
        case 'reset':
          heap.resetIdentity()
          switchOwner(heap, null)
          return
        case 'link':
          heap.addUserProperties({ ldUserId: call.launchDarklyKey })
          return
        case 'track': {
          startPage(heap, call.exposure.user?.id ?? null)
          const { event, properties } = heapTrack(call)
          heap.track(event, properties)
          // An override (sent with trackOverrides) is marked on its track; an event property can't be.
          if (call.exposure.overridden) return
          const { add, remove, tooLarge } = budget.set(
            call.exposure.key,
            toHeapScalar(exposedValue(call.exposure, maxValueLength)),
          )
          removeAll(heap, remove)
          if (add) heap.addEventProperties(add)
          if (add || remove.length > 0) store()
          if (tooLarge) {
            onError?.(
              new FlagBridgeError(
                'HEAP_BUDGET',
                process.env.NODE_ENV !== 'production'
                  ? `"${call.exposure.key}" exceeds the Heap event-property budget (${eventPropertyBudget} bytes): tracked, not kept as an event property.`
                  : `"${call.exposure.key}" over ${eventPropertyBudget} bytes`,
              ),
            )
          }
          return
        }
      }
    },
    dispose: stopPolling,
  }
}
