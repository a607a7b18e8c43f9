import type { FlagProvider, FlagValue, VendorEvaluation } from './evaluation'
import type { FlagBridgeUser } from './user'
import { type FlagVendor, notServed, type VendorState } from './vendor'

/** A static flag with its details: `inExperiment` as a vendor would report it. */
export interface DetailedStaticFlag {
  value: FlagValue
  variationId?: string
  reason?: string
  inExperiment?: boolean
}

/** A flag for {@link createStaticVendor}: a bare value, or a value with its details. */
export type StaticFlag = FlagValue | DetailedStaticFlag

function isDetailed(flag: StaticFlag): flag is DetailedStaticFlag {
  return typeof flag === 'object' && flag !== null && !Array.isArray(flag) && 'value' in flag
}

/**
 * A vendor serving flags from a plain object, for tests, stories and offline demos.
 * `setFlag` changes one flag and notifies readers of that key only, like a live update.
 *
 * @example
 * const vendor = createStaticVendor('configcat', { newCheckout: { value: true, variationId: 'v1' } })
 * vendor.setFlag('newCheckout', false)
 */
export function createStaticVendor(
  provider: FlagProvider,
  flags: Record<string, StaticFlag> = {},
  initial?: VendorState,
) {
  const current = new Map(Object.entries(flags))
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  let state: VendorState = initial ?? { status: 'ready' }
  const identities: Array<FlagBridgeUser | undefined> = []
  const emit = (keys: readonly string[] | undefined) => {
    for (const listener of [...listeners]) listener(keys)
  }

  return {
    provider,
    /** Every user this vendor was switched to, in order. */
    identities,
    evaluate(key: string): VendorEvaluation {
      if (state.status === 'error') return notServed(state.error)
      const flag = current.get(key)
      if (flag === undefined || state.status === 'loading') return notServed()
      if (isDetailed(flag))
        return {
          value: flag.value,
          variationId: flag.variationId,
          reason: flag.reason ?? 'STATIC',
          isDefault: false,
          ...(flag.inExperiment === true ? { inExperiment: true } : {}),
        }
      return { value: flag, variationId: undefined, reason: 'STATIC', isDefault: false }
    },
    keys: () => [...current.keys()],
    state: () => state,
    subscribe(listener: (keys: readonly string[] | undefined) => void) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async identify(user: FlagBridgeUser | undefined) {
      identities.push(user)
    },
    /** Changes (or, with `undefined`, removes) one flag and tells its readers. */
    setFlag(key: string, flag: StaticFlag | undefined) {
      if (flag === undefined) current.delete(key)
      else current.set(key, flag)
      emit([key])
    },
    setState(next: VendorState) {
      state = next
      emit(undefined)
    },
  } satisfies FlagVendor & Record<string, unknown>
}

export type StaticVendor = ReturnType<typeof createStaticVendor>
