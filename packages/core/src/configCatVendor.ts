import type { ConfigCatBootstrap } from './configCatBootstrap'
import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagValue, VendorEvaluation } from './evaluation'
import { type FlagBridgeUser, isOthersBootstrap } from './user'
import {
  attachClientEvents,
  type FlagVendor,
  notServed,
  type SdkEvaluation,
  type VendorState,
} from './vendor'

/** A ConfigCat user as `@configcat/sdk` takes it (`IUser`). */
export interface ConfigCatUser {
  identifier: string
  email?: string
  country?: string
  custom?: Record<string, string | number | Date | readonly string[]>
}

interface ConfigCatDetails {
  key: string
  value: unknown
  variationId?: string | null
  isDefaultValue: boolean
  errorCode?: number
  errorMessage?: string
  matchedTargetingRule?: unknown
  matchedPercentageOption?: unknown
  fetchTime?: Date
  /** The user ConfigCat evaluated for: the one passed to the call, else its default user. */
  user?: { identifier: string } | undefined
}

/** The part of a `@configcat/sdk` client (as configcat-react's `useConfigCatClient()` hands it) that FlagBridge uses. */
export interface ConfigCatClientLike {
  snapshot(): {
    readonly cacheState: number
    getAllKeys(): readonly string[]
    getValueDetails(key: string, defaultValue: any, user?: ConfigCatUser): ConfigCatDetails
  }
  setDefaultUser(user: ConfigCatUser): void
  clearDefaultUser(): void
  waitForReady(): Promise<unknown>
  on(event: string, listener: (...args: any[]) => void): unknown
  off(event: string, listener: (...args: any[]) => void): unknown
}

/** `{ id, email, country, attributes }` → ConfigCat `User(identifier, email, country, custom)`. */
export function toConfigCatUser(user: FlagBridgeUser): ConfigCatUser {
  const custom: Record<string, string | number | readonly string[]> = {}
  for (const [name, value] of Object.entries(user.attributes ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') custom[name] = value
    else if (typeof value === 'boolean') custom[name] = String(value)
    else if (Array.isArray(value)) custom[name] = value.map(String)
  }
  const result: ConfigCatUser = { identifier: user.id, custom }
  if (user.email !== undefined) result.email = user.email
  if (user.country !== undefined) result.country = user.country
  return result
}

const NO_FLAG_DATA = 0
/** `22/22`, or `configcat-sdk-1/22/22`: the two parts ConfigCat checks are 22 characters without a slash. */
const SDK_KEY = /^(configcat-sdk-1\/)?[^/]{22}\/[^/]{22}$/

/**
 * The SDK key check `@configcat/sdk` makes (which throws from `ConfigCatProvider`'s
 * constructor): `22/22` or `configcat-sdk-1/22/22` characters; `configcat-proxy/…` only
 * with a custom `baseUrl`; anything with LocalOnly flag overrides.
 */
export function isValidConfigCatSdkKey(
  sdkKey: unknown,
  options?: { baseUrl?: string | null; flagOverrides?: { behaviour?: number } | null } | null,
): boolean {
  if (typeof sdkKey !== 'string' || sdkKey.length === 0) return false
  if (options?.flagOverrides?.behaviour === 0) return true
  if (options?.baseUrl && sdkKey.startsWith('configcat-proxy/') && sdkKey.length > 'configcat-proxy/'.length)
    return true
  return SDK_KEY.test(sdkKey)
}

/**
 * Adapts a ConfigCat client to the {@link FlagVendor} interface. Evaluations are
 * synchronous (`client.snapshot()`), keep ConfigCat's variation ids, and use the
 * FlagBridge user; `identify` also sets the client's default user so the app's own
 * `useFeatureFlag` calls agree.
 *
 * With `bootstrap` (from `getConfigCatBootstrap` on the server), server rendering and the
 * hydrating render serve the values the server evaluated.
 *
 * @example
 * const vendor = createConfigCatVendor(useConfigCatClient())
 */
export function createConfigCatVendor(
  client: ConfigCatClientLike,
  options: { bootstrap?: ConfigCatBootstrap | undefined } = {},
): FlagVendor {
  const { bootstrap } = options
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  const sdkListeners = new Set<(evaluation: SdkEvaluation) => void>()
  let state: VendorState = { status: 'loading' }
  let evaluatingInternally = false

  const notify = () => {
    for (const listener of listeners) listener(undefined)
  }
  const setState = (next: VendorState) => {
    state = next
    notify()
  }
  const cacheState = () => {
    try {
      return client.snapshot().cacheState
    } catch {
      return NO_FLAG_DATA
    }
  }
  if (cacheState() !== NO_FLAG_DATA) state = { status: 'ready' }

  // ConfigCat's waitForReady() settles once its config is in or its own maxInitWaitTimeSeconds
  // (default 5 s) ran out: without a config by then, loading is over, with an error. A config that
  // arrives later still serves (configChanged).
  const onReady = () => {
    if (cacheState() !== NO_FLAG_DATA) setState({ status: 'ready', fetchedAt: new Date() })
    else if (state.status === 'loading')
      setState({
        status: 'error',
        error: new FlagBridgeError(
          'VENDOR_ERROR',
          process.env.NODE_ENV !== 'production'
            ? 'ConfigCat timed out: no config within its maxInitWaitTimeSeconds (default 5 s). Flags serve their defaults until it arrives.'
            : 'ConfigCat timed out',
        ),
      })
  }
  const onChanged = () => setState({ status: 'ready', fetchedAt: new Date() })
  /**
   * ConfigCat tells one failed fetch twice (`clientError`, then `configFetched`): the first says
   * it, once, and the other is the same failure, not a new one.
   */
  const fetchFailed = (cause: unknown) => {
    if (state.status === 'error') return
    setState({
      status: 'error',
      error: toFlagBridgeError('VENDOR_ERROR', 'ConfigCat could not fetch its config', cause),
    })
  }
  const onFetched = (result: { isSuccess?: boolean; errorMessage?: string; errorException?: unknown }) => {
    if (result?.isSuccess === false && cacheState() === NO_FLAG_DATA)
      fetchFailed(result.errorMessage ?? result.errorException)
    else if (result?.isSuccess) state = { ...state, fetchedAt: new Date() }
  }
  const onError = (message: unknown, exception?: unknown) => {
    // ConfigCat also reports evaluation problems ("config JSON is not present") as client
    // errors, synchronously inside our own evaluation: those are states, not failures. With no
    // config yet, a client error is the fetch failing.
    if (evaluatingInternally || cacheState() !== NO_FLAG_DATA) return
    fetchFailed(typeof message === 'string' ? message : (exception ?? message))
  }
  /** The client's default user as FlagBridge set it (`undefined`: anonymous). */
  let identified: ConfigCatUser | undefined
  const onFlagEvaluated = (details: ConfigCatDetails) => {
    // An evaluation made for someone else (a User passed to the call, a read still waiting for the
    // config when the user switched) is not the current user's exposure.
    if (
      evaluatingInternally ||
      sdkListeners.size === 0 ||
      details.user?.identifier !== identified?.identifier
    )
      return
    const evaluation: SdkEvaluation = {
      key: details.key,
      value: details.value as FlagValue,
      variationId: details.variationId ?? undefined,
      isDefault: details.isDefaultValue,
      ...(details.matchedPercentageOption != null ? { inExperiment: true } : {}),
    }
    for (const listener of sdkListeners) listener(evaluation)
  }

  /**
   * The client's default user is someone FlagBridge identified (another provider on the page
   * sharing the client, or the previous one remounted for the next visitor): the anonymous visitor
   * is evaluated without them (a snapshot keeps the default user it was taken with), never as them.
   */
  const anonymousSnapshot = (defaultUser: ConfigCatUser) => {
    // The SDK's own methods: configcat-react patches the client's to set its provider's state,
    // which must not happen while a component renders (and nothing changes for anyone here).
    const own: Partial<ConfigCatClientLike> = Object.getPrototypeOf(client) ?? {}
    ;(own.clearDefaultUser ?? client.clearDefaultUser).call(client)
    try {
      return client.snapshot()
    } finally {
      ;(own.setDefaultUser ?? client.setDefaultUser).call(client, defaultUser)
    }
  }

  let detach: (() => void) | undefined
  const attach = () => {
    if (detach) return
    try {
      detach = attachClientEvents(client, {
        configChanged: onChanged,
        configFetched: onFetched,
        clientError: onError,
        flagEvaluated: onFlagEvaluated,
      })
      client.waitForReady().then(onReady, (error) => onError(error))
    } catch {
      // configcat-react hands a stub that throws on the server: nothing to listen to there.
      detach ??= () => {}
      state = { status: 'loading' }
    }
  }
  const stop = () => {
    detach?.()
    detach = undefined
  }
  /** The last reader or relay gone: nothing of ours stays on the app's client. */
  const release = () => {
    if (listeners.size === 0 && sdkListeners.size === 0) stop()
  }

  return {
    provider: 'configcat',
    serverEvaluate(key, user) {
      const flags = bootstrap?.flags
      if (!flags || !Object.hasOwn(flags, key)) return notServed()
      return { ...flags[key]!, isDefault: false, loading: isOthersBootstrap(bootstrap.user, user?.id) }
    },
    evaluate(key, _defaultValue, user): VendorEvaluation {
      evaluatingInternally = true
      try {
        // A null default makes ConfigCat serve the setting whatever its type; FlagBridge checks the type itself.
        const snapshot = user || !identified ? client.snapshot() : anonymousSnapshot(identified)
        // Before any config arrives, ConfigCat would log an error per evaluation: there is nothing to evaluate yet.
        if (snapshot.cacheState === NO_FLAG_DATA) return notServed()
        // An unknown key is a default, not an error (and ConfigCat would log one).
        if (!snapshot.getAllKeys().includes(key)) return notServed()
        const details = snapshot.getValueDetails(key, null, user ? toConfigCatUser(user) : undefined)
        if (details.isDefaultValue) {
          const reason = `ConfigCat could not evaluate "${key}": ${details.errorMessage}`
          return notServed(new FlagBridgeError('VENDOR_ERROR', reason))
        }
        return {
          value: details.value as FlagValue,
          variationId: details.variationId ?? undefined,
          reason: details.matchedTargetingRule
            ? 'RULE_MATCH'
            : details.matchedPercentageOption
              ? 'PERCENTAGE_ROLLOUT'
              : 'FALLTHROUGH',
          isDefault: false,
          // A percentage option (alone or inside a targeting rule) splits users between variations: an experiment.
          ...(details.matchedPercentageOption != null ? { inExperiment: true } : {}),
        }
      } catch (error) {
        return notServed(
          state.status === 'loading' ? undefined : toFlagBridgeError('VENDOR_ERROR', 'ConfigCat', error),
        )
      } finally {
        evaluatingInternally = false
      }
    },
    keys() {
      try {
        return client.snapshot().getAllKeys()
      } catch {
        return []
      }
    },
    state: () => state,
    subscribe(listener) {
      listeners.add(listener)
      attach()
      return () => {
        listeners.delete(listener)
        release()
      }
    },
    subscribeToSdkEvaluations(listener) {
      sdkListeners.add(listener)
      attach()
      return () => {
        sdkListeners.delete(listener)
        release()
      }
    },
    // The client's default user is shared: the last provider to identify set it.
    isFor: (user) => user?.id === identified?.identifier,
    async identify(user) {
      try {
        const next = user && toConfigCatUser(user)
        if (next) client.setDefaultUser(next)
        else client.clearDefaultUser()
        identified = next
      } catch (error) {
        throw toFlagBridgeError('VENDOR_ERROR', 'ConfigCat could not switch users', error)
      }
      notify()
    },
    dispose: stop,
  }
}
