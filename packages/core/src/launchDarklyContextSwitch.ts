import { type FlagBridgeError, toFlagBridgeError } from './errors'
import { isSameContext, type LaunchDarklyContext } from './launchDarklyContext'

/** The client methods a context switch needs. */
interface SwitchableClient {
  identify(context: any): Promise<unknown>
  getContext?(): object | null | undefined
  /** Resolves once the client's start has settled (its first flags arrived, or failed). */
  waitUntilReady?(): PromiseLike<unknown>
}

/** First retry after a failed identify, doubling up to {@link MAX_RETRY_DELAY_MS}. */
export const FIRST_RETRY_DELAY_MS = 1_000
export const MAX_RETRY_DELAY_MS = 30_000

/**
 * Moves a LaunchDarkly client to the context FlagBridge wants, one `identify` at a time, so the
 * latest request wins. LaunchDarkly sets the client's context only once the flags for it have
 * arrived (`ident.setContext` after `fetchFlagSettings` in launchdarkly-js-sdk-common), so two
 * `identify` calls in flight can finish in either order and leave the client on the older one;
 * one at a time, re-checked after each, they can't. A failed switch is retried with backoff
 * until it succeeds or another context is asked for. The first `identify` waits for the client's
 * start: the flags LaunchDarkly fetched for its initial context are stored without checking that
 * the context is still that one (`finishInitWithPolling`), so an identify that landed first would
 * leave the client on the new context with the old context's flags.
 */
export function createContextSwitch(
  client: SwitchableClient,
  /** The context the client was created with: what it evaluates for until `getContext()` says. */
  initial: LaunchDarklyContext | undefined,
  /** Called whenever `wanted`, `failure` or the client's context may have changed. */
  changed: () => void,
) {
  let wanted: LaunchDarklyContext | undefined
  let failure: FlagBridgeError | undefined
  let running = false
  let retries = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let disposed = false
  let waiters: Array<{ resolve: () => void; reject: (error: FlagBridgeError) => void }> = []
  /** The client's start while it is under way (failed or not, it must be over before an identify). */
  let starting: Promise<void> | undefined
  const over = () => {
    starting = undefined
  }
  if (client.waitUntilReady)
    starting = Promise.resolve()
      .then(() => client.waitUntilReady!())
      .then(over, over)

  // getContext() returns a fresh copy each time: read once per task (a render compares it for
  // every flag), and again after anything that may have changed it.
  let read: { context: object | undefined } | undefined
  const forget = () => {
    read = undefined
  }
  const current = (): object | undefined => {
    if (read) return read.context
    let context: object | undefined
    try {
      context = client.getContext?.() ?? initial
    } catch {
      context = initial
    }
    const fresh = { context }
    read = fresh
    queueMicrotask(() => {
      if (read === fresh) read = undefined
    })
    return context
  }
  const arrived = (context: LaunchDarklyContext) => {
    const actual = current()
    return actual !== undefined && isSameContext(context, actual)
  }
  const settle = (error?: FlagBridgeError) => {
    const settling = waiters
    waiters = []
    for (const waiter of settling) {
      if (error) waiter.reject(error)
      else waiter.resolve()
    }
  }

  const run = async () => {
    if (running || disposed) return
    running = true
    retryTimer = undefined
    try {
      while (wanted && !arrived(wanted) && !disposed) {
        if (starting) {
          await starting
          forget()
          continue
        }
        const target = wanted
        try {
          await client.identify(target)
          forget()
          // Done, yet the client reports another context (an app that identifies it too): don't spin.
          if (target === wanted && !arrived(target))
            throw new Error(
              `the client reports another context than ${JSON.stringify(target.key ?? 'anonymous')}`,
            )
        } catch (cause) {
          forget()
          // Superseded while it was under way: the loop goes on with the newer context.
          if (target !== wanted) continue
          failure = toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly could not switch users', cause)
          const delay = Math.min(FIRST_RETRY_DELAY_MS * 2 ** retries++, MAX_RETRY_DELAY_MS)
          if (!disposed) retryTimer = setTimeout(run, delay)
          settle(failure)
          return
        }
      }
      failure = undefined
      retries = 0
      settle()
    } finally {
      running = false
      changed()
    }
  }

  return {
    /** The context of the latest request, if any. */
    wanted: () => wanted,
    /** Resolves once the client's start is over (at once if it is). */
    started: () => starting ?? Promise.resolve(),
    /** What the client evaluates for now. */
    current,
    /** Reads the client's context again next time (it may have changed). */
    forget,
    /** Whether the client evaluates for `context` now. */
    isOn: arrived,
    /** The error of the last attempt to reach `wanted`, while it is being retried. */
    failure: () => failure,
    /** Still moving to `wanted` (a request under way, or a retry waiting). */
    switching: () => wanted !== undefined && !arrived(wanted),
    /**
     * Asks for `context`; resolves once the client is on it (or a later request replaced it),
     * rejects with `VENDOR_ERROR` when the attempt for it failed (retries go on).
     */
    switchTo(context: LaunchDarklyContext): Promise<void> {
      forget()
      wanted = context
      failure = undefined
      retries = 0
      clearTimeout(retryTimer)
      retryTimer = undefined
      if (arrived(context) && !running) {
        settle()
        return Promise.resolve()
      }
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
      changed()
      void run()
      return done
    },
    /** Stops retrying a failed switch (no one reads the flags any more); the next `switchTo` starts again. */
    cancelRetry() {
      clearTimeout(retryTimer)
      retryTimer = undefined
    },
    dispose() {
      disposed = true
      clearTimeout(retryTimer)
      settle()
    },
  }
}

export type ContextSwitch = ReturnType<typeof createContextSwitch>
