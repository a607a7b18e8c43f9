import type { FlagBridgeError } from './errors'
import type { Exposure } from './exposure'
import type { FlagBridgeUser } from './user'
import type { ConnectionStatus } from './vendor'

/** A destination's readiness: events wait in its queue until it is `ready`. */
export interface DestinationState {
  status: ConnectionStatus
  error?: FlagBridgeError | undefined
}

/** Who the analytics tool itself thinks the visitor is (for the overlay), when it can say. */
export interface DestinationIdentity {
  userId?: string | null | undefined
  anonymousId?: string | null | undefined
}

/** What a destination was asked to do, in the order it was asked. */
export type DestinationCall =
  | { kind: 'identify'; user: FlagBridgeUser }
  | { kind: 'reset' }
  | { kind: 'track'; exposure: Exposure }

/**
 * The small interface an analytics tool implements. Segment and Heap are the two
 * built in; a destination may return a promise, and a rejection counts as a failed send.
 */
export interface AnalyticsDestination {
  readonly name: string
  state(): DestinationState
  /** Called when `state()` changes (for example Segment finished loading, or Heap appeared). */
  subscribe(listener: () => void): () => void
  /** What the call will send, for the event log (exactly the payload the tool receives). */
  describe(call: DestinationCall): { name: string; payload: unknown }
  send(call: DestinationCall): unknown
  /** The tool's own view of the visitor (Segment's anonymousId, Heap's user id); read-only, optional. */
  identity?(): DestinationIdentity | undefined
  dispose?(): void
}
