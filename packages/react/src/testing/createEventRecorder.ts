import {
  type AnalyticsDestination,
  createHeapTrack,
  createSegmentTrack,
  type DestinationCall,
  publicTraits,
} from '@flagbridge/core'

/** One call a destination received, in the shape Segment would get it. */
export type RecordedEvent =
  | { type: 'identify'; userId: string; traits: Record<string, unknown> }
  | { type: 'reset' }
  | {
      type: 'track'
      event: string
      properties: ReturnType<typeof createSegmentTrack>['properties']
      heapProperties: ReturnType<typeof createHeapTrack>['properties']
      context: ReturnType<typeof createSegmentTrack>['options']['context']
      overridden: boolean
    }

/**
 * An analytics destination that records what FlagBridge would send, for tests and demos.
 * Pass it to `<TestFlagBridgeProvider recorder={recorder}>`.
 *
 * @example
 * const recorder = createEventRecorder()
 * render(<TestFlagBridgeProvider flags={{ beta: true }} recorder={recorder}><Banner /></TestFlagBridgeProvider>)
 * expect(recorder.tracks().map((event) => event.properties.feature_flag_key)).toEqual(['beta'])
 */
export function createEventRecorder(options: { name?: string; maxValueLength?: number } = {}) {
  const events: RecordedEvent[] = []
  const listeners = new Set<(event: RecordedEvent) => void>()
  const record = (event: RecordedEvent) => {
    events.push(event)
    for (const listener of [...listeners]) listener(event)
  }
  const toEvent = (call: DestinationCall): RecordedEvent => {
    switch (call.kind) {
      case 'identify':
        return { type: 'identify', userId: call.user.id, traits: publicTraits(call.user) }
      case 'reset':
        return { type: 'reset' }
      case 'track': {
        const {
          event,
          properties,
          options: trackOptions,
        } = createSegmentTrack(call.exposure, options.maxValueLength)
        return {
          type: 'track',
          event,
          properties,
          heapProperties: createHeapTrack(call.exposure, options.maxValueLength).properties,
          context: trackOptions.context,
          overridden: call.exposure.overridden,
        }
      }
    }
  }

  const destination: AnalyticsDestination = {
    name: options.name ?? 'recorder',
    state: () => ({ status: 'ready' }),
    subscribe: () => () => {},
    describe(call) {
      const event = toEvent(call)
      return { name: event.type === 'track' ? event.event : event.type, payload: event }
    },
    send(call) {
      record(toEvent(call))
      return undefined
    },
  }

  return {
    destination,
    /** Every call, in order. */
    events,
    tracks: () => events.filter((event) => event.type === 'track'),
    identifies: () => events.filter((event) => event.type === 'identify'),
    /** Calls `listener` for every new event; returns the unsubscribe. */
    subscribe(listener: (event: RecordedEvent) => void) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    clear() {
      events.length = 0
    },
  }
}

export type EventRecorder = ReturnType<typeof createEventRecorder>
