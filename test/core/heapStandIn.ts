/**
 * A stand-in for `window.heap` as Heap's current snippet sets it up: an array with stub
 * methods that push `{ name, fn: args }` onto it until heap.js arrives. `load()` plays
 * heap.js: it replaces `window.heap` with the loaded API (`loaded: true`) and replays the
 * queue in order. Everything that reached "heap.js" is kept in `calls`, and the event and
 * user properties it currently holds are kept as Heap keeps them.
 */
/** The methods Heap's current snippet stubs on `window.heap` (also served by the e2e stand-in). */
export const HEAP_SNIPPET_METHODS = [
  'init',
  'startTracking',
  'stopTracking',
  'track',
  'resetIdentity',
  'identify',
  'getSessionId',
  'getUserId',
  'getIdentity',
  'addUserProperties',
  'addEventProperties',
  'removeEventProperty',
  'clearEventProperties',
  'addAccountProperties',
  'addAdapter',
  'addTransformer',
  'addTransformerFn',
  'onReady',
  'addPageviewProperties',
  'removePageviewProperty',
  'clearPageviewProperties',
  'trackPageview',
] as const

export interface HeapCall {
  name: string
  args: unknown[]
}

export function installHeapSnippet(target: { heap?: unknown } = globalThis as { heap?: unknown }) {
  const snippet = [] as unknown as Array<{ name: string; fn: unknown[] }> & Record<string, unknown>
  const readyCallbacks: Array<() => void> = []
  for (const name of HEAP_SNIPPET_METHODS) {
    snippet[name] = (...args: unknown[]) => {
      snippet.push({ name, fn: args })
      if (name === 'onReady' && typeof args[0] === 'function') readyCallbacks.push(args[0] as () => void)
    }
  }
  snippet.load = (envId: string) => {
    snippet.envId = envId
  }
  target.heap = snippet

  const calls: HeapCall[] = []
  const eventProperties: Record<string, unknown> = {}
  const userProperties: Record<string, unknown> = {}
  let identity: string | null = null
  // Heap copies what it is given: later mutation by the caller must not show up here.
  const record = (name: string, args: unknown[]) => calls.push({ name, args: structuredClone(args) })

  const api = {
    loaded: true,
    identify(id: string) {
      record('identify', [id])
      identity = id
    },
    resetIdentity() {
      record('resetIdentity', [])
      identity = null
    },
    addUserProperties(properties: Record<string, unknown>) {
      record('addUserProperties', [properties])
      Object.assign(userProperties, properties)
    },
    addEventProperties(properties: Record<string, unknown>) {
      record('addEventProperties', [properties])
      Object.assign(eventProperties, properties)
    },
    removeEventProperty(name: string) {
      record('removeEventProperty', [name])
      delete eventProperties[name]
    },
    clearEventProperties() {
      record('clearEventProperties', [])
      for (const name of Object.keys(eventProperties)) delete eventProperties[name]
    },
    track(event: string, properties?: Record<string, unknown>) {
      record('track', properties === undefined ? [event] : [event, properties])
    },
    getIdentity: () => identity,
    getUserId: () => 'heap-user-id',
    onReady(callback: () => void) {
      callback()
    },
  }

  return {
    /** `window.heap` before heap.js arrives. */
    snippet,
    /** Calls that reached heap.js, in order (replayed snippet calls first). */
    calls,
    eventProperties,
    userProperties,
    identity: () => identity,
    loaded: () => target.heap === api,
    /** What Heap's props cookie holds now, encoded as FlagBridge's budget measures it. */
    encodedEventPropertySize: () => encodeURIComponent(JSON.stringify(eventProperties)).length,
    /** heap.js arrives: replace window.heap and replay the snippet queue. */
    load() {
      target.heap = api
      for (const { name, fn } of snippet)
        (api as unknown as Record<string, (...args: unknown[]) => void>)[name]?.(...fn)
    },
  }
}

export type HeapStandIn = ReturnType<typeof installHeapSnippet>
