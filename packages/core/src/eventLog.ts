import { createListeners } from './microtaskBatch'

/** Where one call to a destination stands. */
export type EventStatus =
  | 'queued'
  | 'waiting-for-consent'
  | 'sent'
  | 'deduplicated'
  | 'failed'
  | 'dropped'
  /** `tracking.exposures: 'experiments'` and the vendor did not serve it in an experiment: not sent. */
  | 'not-an-experiment'

/** One line of the event log the overlay shows: what was (or will be) sent, where, and how it went. */
export interface EventLogEntry {
  /** Increases with every entry; stays the same when the entry's status changes. */
  id: number
  destination: string
  /** `Feature Flag Evaluated`, `identify`, `reset`, … */
  name: string
  payload: unknown
  flagKey: string | undefined
  status: EventStatus
  error: Error | undefined
  time: number
}

/**
 * A bounded ring buffer of log entries with a stable snapshot (newest first) for
 * `useSyncExternalStore`. Listeners hear about changes once per microtask.
 */
export function createEventLog(capacity = 500) {
  const slots: Array<EventLogEntry | undefined> = new Array(capacity)
  const listeners = createListeners()
  let nextId = 1
  let snapshot: readonly EventLogEntry[] | undefined = []
  const changed = () => {
    snapshot = undefined
    listeners.changed()
  }

  return {
    add(entry: Omit<EventLogEntry, 'id' | 'time'>): EventLogEntry {
      const full: EventLogEntry = { ...entry, id: nextId++, time: Date.now() }
      slots[full.id % capacity] = full
      changed()
      return full
    },
    /** Replaces an entry with a new status, if it is still in the buffer. */
    update(
      entry: EventLogEntry,
      patch: Pick<EventLogEntry, 'status'> & Partial<EventLogEntry>,
    ): EventLogEntry {
      const next: EventLogEntry = { ...entry, ...patch, id: entry.id, time: Date.now() }
      if (slots[entry.id % capacity]?.id === entry.id) {
        slots[entry.id % capacity] = next
        changed()
      }
      return next
    },
    /** Newest first; the same array until something changes. */
    entries(): readonly EventLogEntry[] {
      if (snapshot) return snapshot
      const list: EventLogEntry[] = []
      for (let id = nextId - 1; id >= Math.max(1, nextId - capacity); id--) {
        const entry = slots[id % capacity]
        if (entry?.id === id) list.push(entry)
      }
      snapshot = list
      return list
    },
    clear() {
      slots.fill(undefined)
      changed()
    },
    subscribe: listeners.subscribe,
  }
}

export type EventLog = ReturnType<typeof createEventLog>
