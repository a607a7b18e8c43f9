import type {
  EventLogEntry,
  FlagBridge,
  FlagBridgeUser,
  FlagEvaluation,
  FlagOverride,
  FlagProvider,
  FlagValue,
} from '@flagbridge/core/engine'
import { useMemo } from 'react'
import { useBridge } from './FlagBridgeContext'

/** Imperative access to FlagBridge, for event handlers and effects. */
export interface FlagBridgeApi {
  /** Switches every system to this user (the `user` prop does the same declaratively). */
  identify(user: FlagBridgeUser | undefined): Promise<void>
  /** Signs out everywhere: anonymous flags, Segment `reset`, Heap `resetIdentity`. */
  reset(): Promise<void>
  /** Opens or closes the consent gate; opening sends what waited. */
  setConsent(consent: boolean): void
  /**
   * Serves a local value instead of the vendor's (not tracked unless `tracking.trackOverrides`).
   * A value no flag could serve (a bigint, a function, a cycle) is refused with `INVALID_OPTIONS`.
   */
  setOverride(key: string, value: FlagValue, provider?: FlagProvider): void
  clearOverride(key: string, provider?: FlagProvider): void
  clearOverrides(): void
  overrides(): FlagOverride[]
  /** The latest evaluation of every flag a committed component has shown. */
  evaluations(): FlagEvaluation<unknown>[]
  /** The latest event log, newest first. */
  events(): readonly EventLogEntry[]
  /** The engine itself, for advanced use (store, tracker, log). */
  bridge: FlagBridge
}

/**
 * Imperative access: identify, reset, consent, overrides, evaluations, the event log.
 *
 * @example
 * function SignOutButton() {
 *   const { reset } = useFlagBridge()
 *   return <button onClick={() => reset()}>Sign out</button>
 * }
 */
export function useFlagBridge(): FlagBridgeApi {
  const bridge = useBridge('useFlagBridge')
  return useMemo(
    () => ({
      identify: (user) => bridge.identify(user),
      reset: () => bridge.reset(),
      setConsent: (consent) => bridge.setConsent(consent),
      setOverride: (key, value, provider) => bridge.setOverride(key, value, provider),
      clearOverride: (key, provider) => bridge.store.clearOverride(key, provider),
      clearOverrides: () => bridge.store.clearOverrides(),
      overrides: () => bridge.store.overrides(),
      evaluations: () => [...bridge.evaluationStats().values()].map((stats) => stats.last),
      events: () => bridge.log.entries(),
      bridge,
    }),
    [bridge],
  )
}
