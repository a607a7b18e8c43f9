import {
  type AnalyticsDestination,
  createExperimentViewedProperties,
  createHeapTrack,
  createSegmentTrack,
  type DestinationCall,
  EXPERIMENT_VIEWED,
  EXPOSURE_EVENT,
  type ExperimentViewedProperties,
  publicTraits,
} from '@flagbridge/core'

/**
 * Who an event is attributed to, as Segment stamps it: `userId` once identified (`null` for
 * anonymous visitors), and an `anonymousId` that a reset replaces.
 */
export interface RecordedIdentity {
  userId: string | null
  anonymousId: string
}

/** One call a destination received, in the shape Segment would get it. */
export type RecordedEvent =
  | ({ type: 'identify'; userId: string; traits: Record<string, unknown> } & RecordedIdentity)
  | { type: 'reset' }
  | ({
      type: 'track'
      event: typeof EXPOSURE_EVENT
      properties: ReturnType<typeof createSegmentTrack>['properties']
      heapProperties: ReturnType<typeof createHeapTrack>['properties']
      context: ReturnType<typeof createSegmentTrack>['options']['context']
      overridden: boolean
    } & RecordedIdentity)
  /** `tracking.exposureEvents` with 'Experiment Viewed': Segment and Heap get the same properties. */
  | ({
      type: 'track'
      event: typeof EXPERIMENT_VIEWED
      properties: ExperimentViewedProperties
      heapProperties: ExperimentViewedProperties
      context: ReturnType<typeof createSegmentTrack>['options']['context']
      overridden: boolean
    } & RecordedIdentity)

/**
 * An analytics destination that records what FlagBridge would send, for tests and demos.
 * Pass it to `<TestFlagBridgeProvider recorder={recorder}>`. Like Segment, it stamps each
 * event with the identity of the moment it was sent: `userId` after an identify, and an
 * `anonymousId` (`anonymous-1`, then `anonymous-2` after a reset, …).
 *
 * @example
 * const recorder = createEventRecorder()
 * render(
 *   <TestFlagBridgeProvider flags={{ beta: true }} user={{ id: 'u1' }} recorder={recorder}>
 *     <Banner />
 *   </TestFlagBridgeProvider>,
 * )
 * expect(recorder.tracks().map((event) => [event.userId, event.properties.feature_flag_key])).toEqual([
 *   ['u1', 'beta'],
 * ])
 */
export function createEventRecorder(options: { name?: string; maxValueLength?: number } = {}) {
  const events: RecordedEvent[] = []
  const listeners = new Set<(event: RecordedEvent) => void>()
  let anonymousIds = 1
  const identity: RecordedIdentity = { userId: null, anonymousId: 'anonymous-1' }
  const record = (event: RecordedEvent) => {
    events.push(event)
    for (const listener of [...listeners]) listener(event)
  }
  const toEvent = (call: DestinationCall, maxValueLength: number | undefined): RecordedEvent | undefined => {
    switch (call.kind) {
      case 'identify':
        return { type: 'identify', ...identity, userId: call.user.id, traits: publicTraits(call.user) }
      case 'reset':
        return { type: 'reset' }
      case 'link':
        return undefined
      case 'track': {
        if (call.event === EXPERIMENT_VIEWED) {
          const properties = createExperimentViewedProperties(call.exposure, maxValueLength)
          return {
            type: 'track',
            ...identity,
            event: EXPERIMENT_VIEWED,
            properties,
            heapProperties: properties,
            context: createSegmentTrack(call.exposure).options.context,
            overridden: call.exposure.overridden,
          }
        }
        const { event, properties, options: trackOptions } = createSegmentTrack(call.exposure, maxValueLength)
        return {
          type: 'track',
          ...identity,
          event,
          properties,
          heapProperties: createHeapTrack(call.exposure, maxValueLength).properties,
          context: trackOptions.context,
          overridden: call.exposure.overridden,
        }
      }
    }
  }
  /** Segment's bookkeeping: identify sets the userId, reset forgets it and starts a new anonymousId. */
  const apply = (event: RecordedEvent) => {
    if (event.type === 'identify') identity.userId = event.userId
    if (event.type === 'reset') {
      identity.userId = null
      identity.anonymousId = `anonymous-${++anonymousIds}`
    }
  }

  /** The bridge's `tracking.maxValueLength` (`destinationFor`), unless the recorder has its own. */
  let bridgeMaxValueLength: number | undefined
  const cutAt = () => options.maxValueLength ?? bridgeMaxValueLength
  const destination: AnalyticsDestination = {
    name: options.name ?? 'recorder',
    state: () => ({ status: 'ready' }),
    subscribe: () => () => {},
    describe(call) {
      const event = toEvent(call, cutAt())
      return event && { name: event.type === 'track' ? event.event : event.type, payload: event }
    },
    send(call) {
      const event = toEvent(call, cutAt())
      if (!event) return undefined
      apply(event)
      record(event)
      return undefined
    },
  }

  return {
    destination,
    /**
     * `destination`, cutting long values at a bridge's `tracking.maxValueLength` as Segment and Heap
     * would (the recorder's own `maxValueLength` wins): what `TestFlagBridgeProvider` uses.
     */
    destinationFor(maxValueLength: number | undefined): AnalyticsDestination {
      bridgeMaxValueLength = maxValueLength
      return destination
    },
    /** Every call, in order. */
    events,
    /** The 'Feature Flag Evaluated' tracks. */
    tracks: () => events.filter((event) => event.type === 'track' && event.event === EXPOSURE_EVENT),
    /** The 'Experiment Viewed' tracks (`tracking.exposureEvents`). */
    experimentViews: () =>
      events.filter((event) => event.type === 'track' && event.event === EXPERIMENT_VIEWED),
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
