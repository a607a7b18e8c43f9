import { isFlagValue } from './checkOptions'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagEvaluation, FlagProvider, FlagValue, VendorEvaluation } from './evaluation'
import type { FlagBridgeUser } from './user'
import type { FlagVendor, VendorState } from './vendor'

/** Everything one evaluation depends on, once the store has routed the key. */
export interface EvaluationInput {
  key: string
  defaultValue: unknown
  provider: FlagProvider | undefined
  vendor: FlagVendor | undefined
  /** A local value replacing the vendor's (devtools, tests). */
  override: { value: FlagValue } | undefined
  user: FlagBridgeUser | undefined
  /** What the server rendered (bootstrapped values only), so hydration matches. */
  server: boolean
}

function describeDefault(value: unknown): string {
  return typeof value === 'object' && value !== null ? 'an object JSON cannot write' : String(value)
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** Defaults no flag can serve and no destination can carry: `undefined` is allowed (no type check). */
function isInvalidDefault(value: unknown): boolean {
  return value !== undefined && !isFlagValue(value)
}

/**
 * Evaluates one flag: the vendor's value when it serves one of the default's type, else the
 * default with the reason (`error`, `loading`). Never throws: vendors that throw serve the default.
 */
export function evaluateFlag({
  key,
  defaultValue,
  provider,
  vendor,
  override,
  user,
  server,
}: EvaluationInput) {
  const fallback = (fields: Partial<FlagEvaluation<unknown>> = {}): FlagEvaluation<unknown> => ({
    key,
    value: defaultValue,
    variationId: undefined,
    reason: undefined,
    provider,
    user: user ? user.id : null,
    isDefault: true,
    error: undefined,
    overridden: false,
    loading: false,
    ...fields,
  })
  /** A value of the default's type, else the default with `TYPE_MISMATCH` (on the server too, so hydration matches). */
  const served = ({ value, variationId, reason, inExperiment }: VendorEvaluation, loading: boolean) => {
    if (defaultValue !== undefined && defaultValue !== null && kindOf(value) !== kindOf(defaultValue)) {
      const error = new FlagBridgeError(
        'TYPE_MISMATCH',
        process.env.NODE_ENV !== 'production'
          ? `"${key}" is a ${kindOf(value)} flag in ${provider} but the default is a ${kindOf(defaultValue)}: the default is served.`
          : `"${key}": ${kindOf(value)}, default ${kindOf(defaultValue)}`,
      )
      return fallback({ variationId, error })
    }
    return fallback({
      value,
      variationId,
      reason,
      isDefault: false,
      loading,
      ...(inExperiment ? { inExperiment } : {}),
    })
  }

  if (typeof key !== 'string' || key.length === 0) {
    const got = JSON.stringify(key) ?? String(key)
    const error = new FlagBridgeError('INVALID_FLAG_KEY', `Flag keys must be non-empty strings, got ${got}.`)
    return fallback({ key: String(key), provider: undefined, error })
  }
  if (isInvalidDefault(defaultValue)) {
    const error = new FlagBridgeError(
      'INVALID_DEFAULT_VALUE',
      process.env.NODE_ENV !== 'production'
        ? `The default for "${key}" is ${describeDefault(defaultValue)}: pass a boolean, string, finite number, null or JSON without cycles. It is shown as is.`
        : `default of "${key}"`,
    )
    return fallback({ error })
  }
  if (override) return fallback({ value: override.value, isDefault: false, overridden: true })
  if (!vendor || !provider) {
    const error = new FlagBridgeError(
      'NO_VENDOR',
      process.env.NODE_ENV !== 'production'
        ? `No flag vendor${provider ? ` for ${provider}` : ''}: "${key}" serves its default. Give <FlagBridgeProvider> configcat or launchdarkly.`
        : `"${key}"`,
    )
    return fallback({ error })
  }
  if (server) {
    const bootstrapped = vendor.serverEvaluate?.(key, user)
    // Another user's bootstrap: what the server rendered, as loading (never their exposure).
    return bootstrapped && !bootstrapped.isDefault
      ? served(bootstrapped, !!bootstrapped.loading)
      : fallback({ loading: true })
  }

  let state: VendorState
  let result: VendorEvaluation
  try {
    state = vendor.state()
    result = vendor.evaluate(key, defaultValue as FlagValue, user)
  } catch (cause) {
    // Custom vendors may throw; rendering must still get the default.
    return fallback({
      error: toFlagBridgeError('VENDOR_ERROR', `${provider} could not evaluate "${key}"`, cause),
    })
  }
  if (result.isDefault || result.value === undefined) {
    const error = result.error ?? (state.status === 'error' ? state.error : undefined)
    return fallback({ error, loading: (result.loading ?? state.status === 'loading') && !error })
  }
  // Served but stale (LaunchDarkly still fetching the new user's flags): shown, not tracked.
  return served(result, state.status === 'loading')
}
