import { FlagBridgeError, toFlagBridgeError } from './errors'
import { type LaunchDarklyContext, toLaunchDarklyContext } from './launchDarklyContext'
import type { LaunchDarklyBootstrap } from './launchDarklyVendor'
import { type ServerHelperOptions, serverReporter } from './serverHelperOptions'
import { checkUser } from './user'

/** The part of `@launchdarkly/node-server-sdk`'s `LDClient` the helper uses. */
export interface LaunchDarklyServerClientLike {
  /** Whether the client has its flags; without it, every call waits for initialization. */
  initialized?(): boolean
  waitForInitialization(options: { timeout: number }): Promise<unknown>
  allFlagsState(
    context: LaunchDarklyContext & { key: string },
    options?: { clientSideOnly?: boolean; withReasons?: boolean },
  ): Promise<{ valid: boolean; toJSON(): object }>
}

export interface LaunchDarklyBootstrapOptions extends ServerHelperOptions {
  /** How long to wait for the server SDK to initialize, in ms. Default 5,000. */
  timeoutMs?: number
}

/** Clients whose initialization already timed out or failed: reported once, not waited for again. */
const notInitialized = new WeakSet<LaunchDarklyServerClientLike>()

/**
 * `allFlagsState(context, { clientSideOnly: true, withReasons: true })` for `user`'s context,
 * the one the browser's client is created with (same mapping, `toLaunchDarklyContext`): pass the
 * result as `launchdarkly={{ clientSideID, options: { bootstrap } }}` to `<FlagBridgeProvider>`.
 * Resolves to `undefined` (and reports a `VENDOR_ERROR`) when the SDK could not initialize
 * within `timeoutMs` (default 5,000) or its flag state is invalid: the page then renders
 * LaunchDarkly flags with their defaults and the browser's client fetches them itself (an
 * invalid bootstrap would keep it from ever asking). Once it has timed out, later calls don't
 * wait again (a server render is not held up by every request while LaunchDarkly is down) and
 * report nothing new until the client initialized. Never rejects.
 *
 * @example
 * const bootstrap = await getLaunchDarklyBootstrap(ldClient, user)
 */
export async function getLaunchDarklyBootstrap(
  client: LaunchDarklyServerClientLike,
  user: unknown,
  options: LaunchDarklyBootstrapOptions = {},
): Promise<LaunchDarklyBootstrap | undefined> {
  const report = serverReporter(options.onError)
  const checked = checkUser(user, report)
  // The browser's client evaluates an anonymous visitor by a key it generates: values the server
  // evaluated for any other key may sit in another rollout or experiment bucket, and would be
  // sent as that visitor's exposures. So anonymous visitors get no bootstrap: the browser fetches.
  if (!checked) return undefined
  const context = { ...toLaunchDarklyContext(checked), key: checked.id }
  // All of it inside: a missing client (an unset environment variable) is reported, never thrown.
  try {
    if (!client.initialized?.()) {
      if (client.initialized && notInitialized.has(client)) return undefined
      try {
        await client.waitForInitialization({ timeout: (options.timeoutMs ?? 5_000) / 1000 })
      } catch (error) {
        if (!notInitialized.has(client))
          report(
            toFlagBridgeError(
              'VENDOR_ERROR',
              'LaunchDarkly on the server did not initialize (the page renders its flags with their defaults, and the browser fetches them itself)',
              error,
            ),
          )
        notInitialized.add(client)
        return undefined
      }
    }
    notInitialized.delete(client)
    const state = await client.allFlagsState(context, { clientSideOnly: true, withReasons: true })
    if (state.valid) {
      const json = state.toJSON() as LaunchDarklyBootstrap
      // Whose flags these are, where LaunchDarkly's client ignores it (see LaunchDarklyBootstrap).
      return { ...json, $flagsState: { ...json.$flagsState, $user: { key: checked.id } } }
    }
    report(
      new FlagBridgeError(
        'VENDOR_ERROR',
        'LaunchDarkly on the server returned an invalid flag state: the page renders its flags with their defaults, and the browser fetches them itself.',
      ),
    )
  } catch (error) {
    report(toFlagBridgeError('VENDOR_ERROR', 'LaunchDarkly on the server failed', error))
  }
  return undefined
}
