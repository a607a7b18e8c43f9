import type { ReceivedLog } from './receivedLog'

type Scalar = string | number | boolean

/**
 * Heap has no npm package for its browser script, so the demos use a stand-in shaped like
 * loaded heap.js (`loaded: true`): each call is recorded as received, and event
 * properties are kept as Heap keeps them in its props cookie (values cut at 1,024 chars).
 */
export function createDemoHeap(received: ReceivedLog) {
  const eventProperties: Record<string, Scalar> = {}
  const listeners = new Set<() => void>()
  const record = (name: string, args: unknown[]) => {
    received.add('heap', name, args)
    for (const listener of [...listeners]) listener()
  }
  const api = {
    loaded: true,
    identify: (identity: string) => record('identify', [identity]),
    resetIdentity: () => record('resetIdentity', []),
    addUserProperties: (properties: Record<string, unknown>) => record('addUserProperties', [properties]),
    addEventProperties(properties: Record<string, Scalar>) {
      for (const [name, value] of Object.entries(properties))
        eventProperties[name] = typeof value === 'string' ? value.slice(0, 1024) : value
      record('addEventProperties', [properties])
    },
    removeEventProperty(name: string) {
      delete eventProperties[name]
      record('removeEventProperty', [name])
    },
    track: (event: string, properties?: Record<string, Scalar>) => record('track', [event, properties]),
    onReady: (callback: () => void) => setTimeout(callback, 0),
  }
  return {
    api,
    eventProperties,
    /** The props cookie's size as FlagBridge budgets it: `encodeURIComponent(JSON.stringify(props)).length`. */
    encodedSize: () => encodeURIComponent(JSON.stringify(eventProperties)).length,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

export type DemoHeap = ReturnType<typeof createDemoHeap>
