import { useSyncExternalStore } from 'react'

export type DemoDestination = 'segment' | 'heap'

/** One call a destination received: Segment's event JSON, or Heap's method arguments. */
export interface ReceivedEvent {
  id: number
  destination: DemoDestination
  /** `Feature Flag Evaluated`, `identify`, `addEventProperties`, … */
  name: string
  payload: unknown
  at: number
}

/** What Segment and Heap received, in arrival order, with a stable snapshot for React. */
export function createReceivedLog() {
  let entries: readonly ReceivedEvent[] = []
  let nextId = 1
  let timer: ReturnType<typeof setTimeout> | undefined
  let disposed = false
  const listeners = new Set<() => void>()

  const log = {
    add(destination: DemoDestination, name: string, payload: unknown) {
      entries = [...entries, { id: nextId++, destination, name, payload, at: Date.now() }]
      for (const listener of [...listeners]) listener()
    },
    entries: () => entries,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    /** Segment's tracks of one event, `Feature Flag Evaluated` unless named (Segment event JSON). */
    segmentTracks: (event = 'Feature Flag Evaluated') =>
      entries
        .filter((entry) => entry.destination === 'segment' && entry.name === event)
        .map((entry) => entry.payload as SegmentEvent),
    /** Heap's `track` calls: `[event, properties]`. */
    heapTracks: () =>
      entries
        .filter((entry) => entry.destination === 'heap' && entry.name === 'track')
        .map((entry) => entry.payload as [string, Record<string, unknown>]),
    /** Follows what the vendor stand-in's Segment API received (stand-in runtime). */
    pollSegment(fetchReceived: () => Promise<Array<{ body: unknown }>>) {
      let seen = 0
      const poll = async () => {
        try {
          const segment = await fetchReceived()
          for (const { body } of segment.slice(seen)) {
            const event = body as SegmentEvent
            log.add('segment', event.type === 'track' ? (event.event ?? 'track') : event.type, event)
          }
          seen = Math.max(seen, segment.length)
        } catch {}
        if (!disposed) timer = setTimeout(poll, 150)
      }
      void poll()
    },
    dispose() {
      disposed = true
      clearTimeout(timer)
    },
  }
  return log
}

export type ReceivedLog = ReturnType<typeof createReceivedLog>

/** The parts of a Segment event the demos look at. */
export interface SegmentEvent {
  type: string
  event?: string
  userId?: string | null
  anonymousId?: string
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  context?: Record<string, unknown>
}

/** Re-renders with every received event. */
export function useReceived(log: ReceivedLog): readonly ReceivedEvent[] {
  return useSyncExternalStore(log.subscribe, log.entries, log.entries)
}
