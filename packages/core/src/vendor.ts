import type { FlagBridgeError } from './errors'
import type { FlagProvider, FlagValue, VendorEvaluation } from './evaluation'
import type { FlagBridgeUser } from './user'

/** Where a vendor or destination is: still loading, serving, or failing. */
export type ConnectionStatus = 'loading' | 'ready' | 'error'

/** A vendor's status, plus the last error and the time its config was last fetched. */
export interface VendorState {
  status: ConnectionStatus
  error?: FlagBridgeError | undefined
  fetchedAt?: Date | undefined
}

/**
 * What was evaluated inside the vendor SDK, outside FlagBridge (ConfigCat `flagEvaluated`,
 * LaunchDarkly `flag-used`): tracked when `tracking.sdkEvaluations` is on.
 */
export interface SdkEvaluation {
  key: string
  value: FlagValue
  variationId: string | undefined
  isDefault: boolean
  /** Served as part of an experiment, when the SDK says so. */
  inExperiment?: boolean | undefined
}

/**
 * The small interface a flag vendor implements (OpenFeature-style). ConfigCat and
 * LaunchDarkly are two implementations; tests and devtools can add their own.
 */
export interface FlagVendor {
  readonly provider: FlagProvider
  /** Synchronous evaluation from the vendor's in-memory config; never throws. */
  evaluate(key: string, defaultValue: FlagValue, user: FlagBridgeUser | undefined): VendorEvaluation
  /**
   * Reads a value without anything the vendor would record as an evaluation (devtools use it
   * for keys the app never read); absent means `evaluate` has no such side effect.
   */
  peek?(key: string, user: FlagBridgeUser | undefined): VendorEvaluation
  /**
   * What the server rendered (bootstrapped flags), so hydration matches; absent means defaults.
   * `loading` when the bootstrap was evaluated for someone other than `user`: shown, never sent.
   */
  serverEvaluate?(key: string, user?: FlagBridgeUser): VendorEvaluation
  /** Every flag key the vendor currently knows. */
  keys(): readonly string[]
  state(): VendorState
  /**
   * Calls `listener` when flags or state change; `keys` lists the changed flags when
   * the vendor says which (LaunchDarkly), or is `undefined` for "anything may have changed".
   */
  subscribe(listener: (keys: readonly string[] | undefined) => void): () => void
  /**
   * Switches the vendor to a new user; resolves once flags for that user are in (or a later
   * switch replaced it), rejects when the switch failed. The latest call wins.
   */
  identify(user: FlagBridgeUser | undefined): Promise<void>
  /**
   * The key the vendor's own analytics know `user` by while it evaluates for them
   * (LaunchDarkly's context key, generated for anonymous visitors), else `undefined`.
   */
  contextKey?(user: FlagBridgeUser | undefined): string | undefined
  /**
   * A committed component showed this flag (called once per user, flag and variation): the
   * vendor's own analytics may count the evaluation now (LaunchDarkly's evaluation and
   * experiment events), rather than on every read.
   */
  expose?(key: string, defaultValue: FlagValue): void
  /** Evaluations made by the app directly through the SDK. */
  subscribeToSdkEvaluations?(listener: (evaluation: SdkEvaluation) => void): () => void
  /**
   * Whether the client evaluates for `user` now; `false` when another provider sharing the client
   * switched it to someone else (its SDK evaluations are then not this user's). Absent: always.
   */
  isFor?(user: FlagBridgeUser | undefined): boolean
  /** Stops listening to the client; the client itself belongs to whoever created it. */
  dispose?(): void
}

/** A vendor's answer when it serves no value of its own: unknown key, nothing loaded, or `error`. */
export function notServed(error?: FlagBridgeError): VendorEvaluation {
  return { value: undefined, isDefault: true, error }
}

/** The event methods both vendor SDK clients have. */
interface EventSource {
  on(event: string, listener: (...args: any[]) => void): unknown
  off(event: string, listener: (...args: any[]) => void): unknown
}

/**
 * Adds `handlers` to a vendor SDK client's events and returns what removes them, which never
 * throws. When the client refuses one, the ones already added are removed before the error
 * goes to the caller, so nothing stays attached.
 */
export function attachClientEvents(
  client: EventSource,
  handlers: Record<string, (...args: any[]) => void>,
): () => void {
  const added: Array<[string, (...args: any[]) => void]> = []
  const remove = () => {
    for (const [event, handler] of added.splice(0)) {
      try {
        client.off(event, handler)
      } catch {}
    }
  }
  try {
    for (const entry of Object.entries(handlers)) {
      client.on(...entry)
      added.push(entry)
    }
  } catch (error) {
    remove()
    throw error
  }
  return remove
}
