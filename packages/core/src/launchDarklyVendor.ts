import { FlagBridgeError, toFlagBridgeError } from './errors'
import type { FlagValue, VendorEvaluation } from './evaluation'
import {
  isAnonymousVisitor,
  isSameContext,
  type LaunchDarklyContext,
  toLaunchDarklyContext,
} from './launchDarklyContext'
import { type ContextSwitch, createContextSwitch } from './launchDarklyContextSwitch'
import {
  createLaunchDarklyInspectors,
  type LaunchDarklyDetail,
  type LaunchDarklyInspectors,
} from './launchDarklyInspectors'
import { type FlagBridgeUser, isOthersBootstrap } from './user'
import { attachClientEvents, type FlagVendor, notServed, type VendorState } from './vendor'

/** The part of a `launchdarkly-js-client-sdk` client (`useLDClient()`, `initialize()`) that FlagBridge uses. */
export interface LaunchDarklyClientLike {
  variationDetail(key: string, defaultValue?: any): LaunchDarklyDetail
  allFlags(): Record<string, unknown>
  identify(context: any): Promise<unknown>
  getContext?(): object | null | undefined
  waitForInitialization(timeout?: number): Promise<void>
  /** Resolves once the client's start has settled (flags arrived or failed): an identify waits for it. */
  waitUntilReady?(): Promise<void>
  on(event: string, listener: (...args: any[]) => void, context?: unknown): void
  off(event: string, listener: (...args: any[]) => void, context?: unknown): void
}

/**
 * The `bootstrap` flag set LaunchDarkly's server SDKs produce (`allFlagsState().toJSON()`).
 * `getLaunchDarklyBootstrap` adds `$flagsState.$user: { key }`, whose flags they are (LaunchDarkly
 * reads `$flagsState` only for flag keys, which never start with `$`): for any other user they
 * render as loading, are never sent, and the browser's client fetches that user's flags instead.
 */
export interface LaunchDarklyBootstrap {
  [key: string]: unknown
  $flagsState?: Record<
    string,
    { variation?: number; version?: number; reason?: { kind?: string; inExperiment?: boolean }; key?: string }
  >
}

export interface LaunchDarklyVendorOptions {
  /** Flags to serve before (or, on the server, instead of) the client. */
  bootstrap?: LaunchDarklyBootstrap | undefined
  /** How long to wait for the client's first flags before reporting an error, in ms. */
  timeoutMs?: number | undefined
  /** @deprecated The same wait, in milliseconds too: use `timeoutMs`. */
  timeout?: number | undefined
  /**
   * The inspectors the client was created with ({@link createLaunchDarklyInspectors}): flags are
   * then read from what LaunchDarkly reported, without evaluation events, and the app's own
   * evaluations can be tracked. Without them, reads go through `variationDetail()`.
   */
  flagUsed?: LaunchDarklyInspectors | undefined
  /**
   * The context the client was created with (`initialize(id, context)`), trusted until the
   * client's `getContext()` answers. Without it, flags are attributed from `getContext()` alone.
   */
  context?: LaunchDarklyContext | undefined
}

/** A LaunchDarkly {@link FlagVendor}, which can say whom its client is (or is becoming) for. */
export interface LaunchDarklyVendor extends FlagVendor {
  /** Whether the client evaluates for `user`, or is being switched to them (the latest identify). */
  isFor(user: FlagBridgeUser | undefined): boolean
  /**
   * Gives a vendor created without a client the client it serves from now on (once; later calls do
   * nothing). Until then it serves `bootstrap`, as for `context`'s user: create the client with
   * that context and `flagUsed`'s inspectors, and start it before `identify` (which does nothing
   * without a client).
   */
  start(client: LaunchDarklyClientLike): void
}

/**
 * Adapts a LaunchDarkly JS client to the {@link FlagVendor} interface. Keys stay as
 * LaunchDarkly wrote them (no camelCase). Without a client (server rendering), flags
 * are served from `bootstrap`.
 *
 * Attribution: a value is served for a user only while the client evaluates for that user's
 * context (`getContext()`). While an `identify` is under way the flag is `loading`; after one
 * failed it is in error (and retried with backoff); never the previous user's value.
 *
 * @example
 * const vendor = createLaunchDarklyVendor(ldClient, { bootstrap, context: toLaunchDarklyContext(user) })
 */
export function createLaunchDarklyVendor(
  initialClient: LaunchDarklyClientLike | undefined,
  options: LaunchDarklyVendorOptions = {},
): LaunchDarklyVendor {
  // Set by start(): at once when given, else once the client exists.
  let client: LaunchDarklyClientLike | undefined
  let contexts: ContextSwitch | undefined
  const owner = options.bootstrap?.$flagsState?.$user?.key
  // The browser's client never serves another user's bootstrap: its own context decides.
  const bootstrap =
    options.context && isOthersBootstrap(owner, options.context.key) ? undefined : options.bootstrap
  const timeout = options.timeoutMs ?? options.timeout ?? 5_000
  // Without the client's own inspectors, nothing reports details: reads use variationDetail().
  const inspectors = options.flagUsed
  const flagUsed = inspectors ?? createLaunchDarklyInspectors()
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  let state: VendorState = { status: bootstrap ? 'ready' : 'loading' }

  const emit = (keys: readonly string[] | undefined) => {
    flagsRead = undefined
    contexts?.forget()
    for (const listener of [...listeners]) listener(keys)
  }
  /**
   * `allFlags()` copies every flag: read once per task (a render reads many keys), and again
   * after anything the client tells (a change, readiness, a new context).
   */
  let flagsRead: Record<string, unknown> | undefined
  const allFlags = (from: LaunchDarklyClientLike) => {
    if (flagsRead) return flagsRead
    const read = from.allFlags()
    flagsRead = read
    queueMicrotask(() => {
      if (flagsRead === read) flagsRead = undefined
    })
    return read
  }
  const setState = (next: VendorState) => {
    state = next
    emit(undefined)
  }
  let unsubscribeDetails: (() => void) | undefined
  const onReady = () => setState({ status: 'ready', fetchedAt: new Date() })
  const onFailed = (error: unknown) =>
    setState({
      status: 'error',
      error: toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not load flags', error),
    })
  const onChange = (changes: Record<string, unknown>) => {
    state = { ...state, status: state.status === 'error' ? 'ready' : state.status, fetchedAt: new Date() }
    emit(Object.keys(changes))
  }

  let detach: (() => void) | undefined
  let waitedForInitialization = false
  const attach = () => {
    if (detach || !client) return
    try {
      // 'ready' also fires after 'failed'; 'initialized' means flags arrived.
      detach = attachClientEvents(client, { initialized: onReady, failed: onFailed, change: onChange })
      // A report can change a variation or reason without a 'change' event (same value).
      unsubscribeDetails = inspectors?.subscribeDetails(() => emit(undefined))
      if (waitedForInitialization) return
      waitedForInitialization = true
      client.waitForInitialization(timeout / 1000).then(onReady, (error) => {
        // Keep serving bootstrapped flags; a late 'initialized' still switches to ready.
        if (state.status !== 'ready' || !bootstrap) onFailed(error)
      })
    } catch (error) {
      // A client that can't be listened to (blocked, broken stub) must not break subscribe().
      detach ??= () => {}
      onFailed(error)
    }
  }
  const stop = () => {
    detach?.()
    detach = undefined
    unsubscribeDetails?.()
    unsubscribeDetails = undefined
    contexts?.cancelRetry()
  }

  /** Why `user`'s flags can't be read from the client now, or `undefined` when they can. */
  const notServedFor = (user: FlagBridgeUser | undefined): VendorEvaluation | undefined => {
    if (!contexts) return undefined
    const current = contexts.current()
    const wanted = contexts.wanted()
    const failure = contexts.failure()
    // A render reads many keys for one user: compare the contexts once while nothing changed.
    const last = lastAnswer
    if (
      last &&
      last.user === user &&
      last.current === current &&
      last.wanted === wanted &&
      last.failure === failure
    )
      return last.answer
    const answer = whyNotServed(user, current, wanted)
    lastAnswer = { user, current, wanted, failure, answer }
    return answer
  }
  let lastAnswer:
    | {
        user: FlagBridgeUser | undefined
        current: object | undefined
        wanted: unknown
        failure: unknown
        answer: VendorEvaluation | undefined
      }
    | undefined
  const whyNotServed = (
    user: FlagBridgeUser | undefined,
    current: object | undefined,
    wanted: LaunchDarklyContext | undefined,
  ): VendorEvaluation | undefined => {
    const target = toLaunchDarklyContext(user)
    if (current === undefined || contexts!.isOn(target)) return undefined
    const failure = wanted && isSameTarget(wanted, target) ? contexts!.failure() : undefined
    return { ...notServed(failure), loading: !failure }
  }

  /** A `variationDetail()` answer (or an inspector's report) as a vendor evaluation. */
  const fromDetail = (key: string, detail: LaunchDarklyDetail): VendorEvaluation => {
    if (detail.variationIndex == null && (detail.value === null || detail.value === undefined)) {
      const errorKind = detail.reason?.errorKind
      if (errorKind === 'CLIENT_NOT_READY') return fromBootstrap(key)
      if (errorKind && errorKind !== 'FLAG_NOT_FOUND')
        return notServed(
          new FlagBridgeError('VENDOR_ERROR', `LaunchDarkly could not evaluate "${key}": ${errorKind}`),
        )
      return notServed()
    }
    return {
      value: detail.value as FlagValue,
      variationId: detail.variationIndex == null ? undefined : String(detail.variationIndex),
      reason: detail.reason?.kind,
      isDefault: false,
      // Only with evaluationReasons does LaunchDarkly send reasons: without them nothing is an experiment.
      ...(detail.reason?.inExperiment === true ? { inExperiment: true } : {}),
    }
  }
  /**
   * Without an evaluation: what the details inspectors reported, else (bootstrapped, nothing
   * reported yet) the bootstrap while the client still holds its value, else the bare value.
   */
  const fromReported = (key: string): VendorEvaluation => {
    const reported = inspectors!.detail(key)
    if (reported) return fromDetail(key, reported)
    if (inspectors!.hasDetails()) return notServed()
    const flags = allFlags(client!)
    if (!Object.hasOwn(flags, key)) return notServed()
    const booted = fromBootstrap(key)
    if (!booted.isDefault && JSON.stringify(booted.value) === JSON.stringify(flags[key])) return booted
    return { value: flags[key] as FlagValue, isDefault: false }
  }

  const fromBootstrap = (key: string, flags = bootstrap): VendorEvaluation => {
    if (!flags || !Object.hasOwn(flags, key) || key.startsWith('$')) return notServed()
    const meta = flags.$flagsState?.[key]
    return {
      value: flags[key] as FlagValue,
      variationId: meta?.variation === undefined ? undefined : String(meta.variation),
      reason: meta?.reason?.kind,
      isDefault: false,
      ...(meta?.reason?.inExperiment === true ? { inExperiment: true } : {}),
    }
  }

  const vendor: LaunchDarklyVendor = {
    provider: 'launchdarkly',
    // What the server rendered, whoever it was for: another user's values read as loading.
    serverEvaluate(key, user) {
      const served = fromBootstrap(key, options.bootstrap)
      return isOthersBootstrap(owner, user?.id) ? { ...served, loading: true } : served
    },
    // variationDetail() would count as an evaluation in LaunchDarkly's own analytics; allFlags() doesn't.
    peek(key, user) {
      if (!client) return fromBootstrap(key)
      const elsewhere = notServedFor(user)
      if (elsewhere) return elsewhere
      try {
        const flags = allFlags(client)
        return Object.hasOwn(flags, key) ? { value: flags[key] as FlagValue, isDefault: false } : notServed()
      } catch (error) {
        return notServed(toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly', error))
      }
    },
    evaluate(key, _defaultValue, user): VendorEvaluation {
      if (!client) return fromBootstrap(key)
      const elsewhere = notServedFor(user)
      if (elsewhere) return elsewhere
      try {
        // Read what LaunchDarkly reported: no evaluation event for a snapshot React may discard.
        if (inspectors) return fromReported(key)
        return fromDetail(
          key,
          flagUsed.mute(() => client!.variationDetail(key, null)),
        )
      } catch (error) {
        return notServed(toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly', error))
      }
    },
    expose(key, defaultValue) {
      // LaunchDarkly's own evaluation (and experiment) event, once the flag was shown.
      if (!client || !inspectors) return
      const from = client
      const shownFor = contexts!.wanted() ?? options.context
      // A client just created takes its context in a moment later (bootstrapped flags are shown
      // before), and LaunchDarkly drops an evaluation event without one: counted once it started.
      void contexts!.started().then(() => {
        if (shownFor && !contexts!.isOn(shownFor)) return
        try {
          flagUsed.mute(() => from.variationDetail(key, defaultValue))
        } catch {}
      })
    },
    keys() {
      try {
        const flags = client ? client.allFlags() : (options.bootstrap ?? {})
        return Object.keys(flags).filter((key) => !key.startsWith('$'))
      } catch {
        return []
      }
    },
    state() {
      if (!contexts?.switching()) return state
      const failure = contexts.failure()
      return failure ? { ...state, status: 'error', error: failure } : { ...state, status: 'loading' }
    },
    isFor(user) {
      const target = toLaunchDarklyContext(user)
      if (!contexts) return !options.context || isSameTarget(options.context, target)
      const wanted = contexts.wanted()
      return wanted ? isSameTarget(wanted, target) : contexts.isOn(target)
    },
    contextKey(user) {
      const current = contexts?.current() as { key?: unknown } | undefined
      if (!current || !contexts?.isOn(toLaunchDarklyContext(user))) return undefined
      return typeof current.key === 'string' ? current.key : undefined
    },
    subscribe(listener) {
      listeners.add(listener)
      attach()
      return () => {
        listeners.delete(listener)
        // The last reader gone (the provider unmounted): nothing of ours stays on the app's client.
        if (listeners.size === 0) stop()
      }
    },
    subscribeToSdkEvaluations: (listener) =>
      flagUsed.subscribe((evaluation, context) => {
        // Made for a context FlagBridge is moving away from (an identify under way): not the user's.
        const target = contexts?.wanted() ?? options.context
        if (!target || !context || isSameContext(target, context)) listener(evaluation)
      }),
    identify(user) {
      if (!contexts) return Promise.resolve()
      return contexts.switchTo(toLaunchDarklyContext(user))
    },
    start(next) {
      if (client) return
      client = next
      contexts = createContextSwitch(next, options.context, () => emit(undefined))
      if (listeners.size > 0) attach()
      emit(undefined)
    },
    dispose() {
      stop()
      contexts?.dispose()
    },
  }
  if (initialClient) vendor.start(initialClient)
  return vendor
}

/** Two requests for the same user: the same context FlagBridge would send. */
function isSameTarget(a: LaunchDarklyContext, b: LaunchDarklyContext): boolean {
  return isAnonymousVisitor(a) ? isAnonymousVisitor(b) : isSameContext(a, b)
}
