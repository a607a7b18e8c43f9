import type { FlagBridgeError } from './errors'
import type { ExposureEventName } from './experimentViewed'
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
  /** The visitor signed in as `user`; `launchDarklyKey` is the context key LaunchDarkly evaluates them by. */
  | { kind: 'identify'; user: FlagBridgeUser; launchDarklyKey?: string | undefined }
  /** The visitor signed out. */
  | { kind: 'reset' }
  /** LaunchDarkly knows the visitor by this context key (anonymous visitors get theirs late). */
  | { kind: 'link'; launchDarklyKey: string }
  /** `event`: the event to send it as (`tracking.exposureEvents`); absent means 'Feature Flag Evaluated'. */
  | { kind: 'track'; exposure: Exposure; event?: ExposureEventName | undefined }

/**
 * The small interface an analytics tool implements. Segment and Heap are the two
 * built in; a destination may return a promise, and a rejection counts as a failed send.
 */
export interface AnalyticsDestination {
  readonly name: string
  state(): DestinationState
  /** Called when `state()` changes (for example Segment finished loading, or Heap appeared). */
  subscribe(listener: () => void): () => void
  /**
   * What the call will send, for the event log (exactly the payload the tool receives);
   * `undefined` when the destination has nothing to send for it (the call is not queued).
   */
  describe(call: DestinationCall): { name: string; payload: unknown } | undefined
  send(call: DestinationCall): unknown
  /**
   * Makes the tool's persisted identity agree with `user` before the page's first call reaches
   * it: a visitor who signed out elsewhere (server logout, expired session) must not carry the
   * previous user's id. Returns (or resolves to) `true` when it reset the tool. Called once per
   * page, when ready.
   */
  reconcile?(user: FlagBridgeUser | undefined): boolean | PromiseLike<boolean>
  /**
   * Starts loading the tool (Segment's settings and scripts, looking for heap.js). The tracker
   * calls it once, when the bridge is connected and consent is given: before that, a destination
   * with `load` loads nothing, polls nothing and calls nothing (consent false means nothing is
   * loaded from the tool either). Absent: the tool needs no start.
   */
  load?(): void
  /**
   * Consent was withdrawn (`false`) or given again (`true`) after the tool was loaded. A tool that
   * keeps FlagBridge's data on its own later events (Heap's event properties) takes it off while
   * consent is withdrawn and puts it back once it is given. Absent: nothing to do.
   */
  consentChanged?(consent: boolean): void
  /** The tool's own view of the visitor (Segment's anonymousId, Heap's user id); read-only, optional. */
  identity?(): DestinationIdentity | undefined
  dispose?(): void
}
