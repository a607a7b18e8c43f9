import type { FlagBridgeError } from './errors'

/** The flag vendors FlagBridge reads from. */
export type FlagProvider = 'configcat' | 'launchdarkly'

/** Any value a flag can serve: booleans, text, numbers, and (LaunchDarkly) JSON. */
export type FlagValue =
  | boolean
  | string
  | number
  | null
  | readonly FlagValue[]
  | { readonly [key: string]: FlagValue }

/**
 * One flag, evaluated for the current user, as the hook and the overlay see it.
 * Snapshots are immutable and stay the same object until something about them changes.
 */
export interface FlagEvaluation<T = FlagValue> {
  key: string
  /** The served value, or the default when the flag can't be served (see `isDefault` and `error`). */
  value: T
  /** ConfigCat variation id, or LaunchDarkly variation index as text. */
  variationId: string | undefined
  /** Why this value was served, in the vendor's words (LD reason kind, ConfigCat matched rule). */
  reason: string | undefined
  /** The vendor that served it; `undefined` when no vendor was available. */
  provider: FlagProvider | undefined
  /** The identity it was evaluated for (user id), `null` for anonymous. */
  user: string | null
  isDefault: boolean
  error: FlagBridgeError | undefined
  /** Set locally (devtools, test helpers) rather than served by the vendor. */
  overridden: boolean
  /** The vendor has not delivered its config (or the flags for the current user) yet. */
  loading: boolean
  /**
   * The vendor says this value was served as part of an experiment: LaunchDarkly's
   * `reason.inExperiment` (sent with `evaluationReasons`), a ConfigCat percentage option.
   */
  inExperiment?: boolean | undefined
}

/** What a vendor adapter answers for one key, before FlagBridge adds identity and overrides. */
export interface VendorEvaluation {
  value: FlagValue | undefined
  variationId?: string | undefined
  reason?: string | undefined
  /** True when the vendor served no value of its own (unknown key, not loaded, error). */
  isDefault: boolean
  error?: FlagBridgeError | undefined
  /**
   * Not served because the vendor is still fetching flags for this user (for example during
   * an identify); absent means "as the vendor's state says".
   */
  loading?: boolean | undefined
  /** Served as part of an experiment (LaunchDarkly `reason.inExperiment`, a ConfigCat percentage option). */
  inExperiment?: boolean | undefined
}

/** `true` when two snapshots would render the same: the store keeps the old object then. */
export function isSameEvaluation(a: FlagEvaluation<unknown>, b: FlagEvaluation<unknown>): boolean {
  return (
    a.key === b.key &&
    Object.is(a.value, b.value) &&
    a.variationId === b.variationId &&
    a.reason === b.reason &&
    a.provider === b.provider &&
    a.user === b.user &&
    a.isDefault === b.isDefault &&
    a.error?.message === b.error?.message &&
    a.overridden === b.overridden &&
    a.loading === b.loading &&
    a.inExperiment === b.inExperiment
  )
}

/** Text form of a value for dedup keys and Heap's scalar properties. */
export function valueToText(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    // A bigint or a cycle: never thrown into the app (values are checked where they come in).
    return String(value)
  }
}
