import type { AnalyticsDestination, DestinationCall, DestinationState } from './destination'
import { FlagBridgeError } from './errors'
import type { FlagValue } from './evaluation'
import {
  createHeapTrack,
  DEFAULT_MAX_VALUE_LENGTH,
  exposedValue,
  type HeapScalar,
  toHeapScalar,
} from './exposure'
import {
  createEventPropertyBudget,
  DEFAULT_HEAP_BUDGET,
  type EventPropertyChanges,
} from './heapEventProperties'
import { type FlagBridgeUser, publicTraits } from './user'

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
}

export interface HeapDestinationOptions {
  /** The Heap API, or a getter for it; defaults to `globalThis.heap`, looked up until it appears. */
  api?: HeapLike | (() => HeapLike | undefined) | undefined
  /** Encoded byte budget for flag event properties (default 3,000, below Heap's 4 KB cookie). */
  eventPropertyBudget?: number
  maxValueLength?: number
  /** How often to look for heap.js while it hasn't loaded, in ms. */
  pollInterval?: number
  /**
   * Remembers which flags are Heap event properties (Heap keeps them in a cookie across
   * page loads), so a new page removes the old ones before counting from zero.
   * Defaults to `localStorage`; `null` turns it off.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null
  /** Hears about flags too large for the budget (`HEAP_BUDGET`). */
  onError?: (error: FlagBridgeError) => void
}

const STORAGE_KEY = 'flagbridge:heap-event-properties'

function localStorageOrNull(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null
  } catch {
    return null
  }
}

/** Heap keeps scalar user properties only: lists travel as text, nulls are left out. */
function heapUserProperties(user: FlagBridgeUser): Record<string, HeapScalar> {
  const properties: Record<string, HeapScalar> = { ldUserId: user.id }
  for (const [name, value] of Object.entries(publicTraits(user))) {
    if (value !== null) properties[name] = toHeapScalar(value as FlagValue)
  }
  return properties
}

/** Heap is ready when heap.js has replaced the snippet (`heap.loaded`) or said so through `onReady`. */
function isLoaded(api: HeapLike | undefined): api is HeapLike {
  return !!api && !Array.isArray(api) && api.loaded === true
}

/**
 * Heap over `window.heap`. Events wait in FlagBridge's queue while Heap is absent or
 * still the snippet's queue; each exposure is a `heap.track` plus the flag as an event
 * property, kept under the cookie budget (least recently exposed flags are evicted).
 *
 * @example
 * createHeapDestination() // uses window.heap when it loads
 */
export function createHeapDestination({
  api,
  eventPropertyBudget = DEFAULT_HEAP_BUDGET,
  maxValueLength = DEFAULT_MAX_VALUE_LENGTH,
  pollInterval = 250,
  storage = localStorageOrNull(),
  onError,
}: HeapDestinationOptions = {}): AnalyticsDestination & { eventPropertySize(): number } {
  const listeners = new Set<() => void>()
  const budget = createEventPropertyBudget(eventPropertyBudget)
  const lookup = (): HeapLike | undefined =>
    typeof api === 'function' ? api() : (api ?? (globalThis as { heap?: HeapLike }).heap)
  let readySignalled = false
  let state: DestinationState = { status: isLoaded(lookup()) ? 'ready' : 'loading' }
  let timer: ReturnType<typeof setInterval> | undefined
  let askedOnReady: HeapLike | undefined
  let clearedPreviousPage = false

  const readStoredKeys = (): string[] => {
    try {
      const keys = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]')
      return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : []
    } catch {
      return []
    }
  }
  const storeKeys = () => {
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify(budget.keys()))
    } catch {}
  }
  // Runs before the first call of the page reaches Heap.
  const clearPreviousPage = (heap: HeapLike) => {
    if (clearedPreviousPage) return
    clearedPreviousPage = true
    for (const key of readStoredKeys()) heap.removeEventProperty(key)
  }

  const check = () => {
    const heap = lookup()
    if (heap && !Array.isArray(heap) && heap !== askedOnReady && typeof heap.onReady === 'function') {
      askedOnReady = heap
      try {
        heap.onReady(() => {
          readySignalled = true
          check()
        })
      } catch {}
    }
    if (!isLoaded(heap) && !(readySignalled && heap)) return
    stopPolling()
    if (state.status !== 'ready') {
      state = { status: 'ready' }
      for (const listener of listeners) listener()
    }
  }
  const stopPolling = () => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  const flagProperties = (call: Extract<DestinationCall, { kind: 'track' }>): EventPropertyChanges =>
    budget.set(call.exposure.key, toHeapScalar(exposedValue(call.exposure, maxValueLength)))

  return {
    name: 'heap',
    eventPropertySize: () => budget.size(),
    state: () => state,
    subscribe(listener) {
      listeners.add(listener)
      if (state.status !== 'ready' && timer === undefined) {
        check()
        // check() may have found Heap loaded already.
        if ((state as DestinationState).status !== 'ready') timer = setInterval(check, pollInterval)
      }
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
            payload: { identity: call.user.id, userProperties: heapUserProperties(call.user) },
          }
        case 'reset':
          return { name: 'resetIdentity', payload: undefined }
        case 'track': {
          const { event, properties } = createHeapTrack(call.exposure, maxValueLength)
          return { name: event, payload: { properties } }
        }
      }
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
    send(call) {
      const heap = lookup()
      if (!heap) throw new Error('window.heap is not there')
      clearPreviousPage(heap)
      switch (call.kind) {
        case 'identify':
          heap.identify(call.user.id)
          // ldUserId is the LaunchDarkly context key, which FlagBridge sets to the user id.
          heap.addUserProperties(heapUserProperties(call.user))
          return
        case 'reset':
          heap.resetIdentity()
          return
        case 'track': {
          const { event, properties } = createHeapTrack(call.exposure, maxValueLength)
          heap.track(event, properties)
          const { add, remove, tooLarge } = flagProperties(call)
          for (const key of remove) heap.removeEventProperty(key)
          if (add) heap.addEventProperties(add)
          if (add || remove.length > 0) storeKeys()
          if (tooLarge) {
            onError?.(
              new FlagBridgeError(
                'HEAP_BUDGET',
                `"${call.exposure.key}" exceeds the Heap event-property budget (${eventPropertyBudget} bytes): tracked, not kept as an event property.`,
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
