import { FlagBridgeError, toFlagBridgeError } from './errors'
import { type FlagBridgeUser, normalizeUser } from './user'

/** Options every server helper takes. */
export interface ServerHelperOptions {
  /** Receives what went wrong (`VENDOR_ERROR`, `INVALID_USER`); default: `console.error`. */
  onError?: (error: FlagBridgeError) => void
}

/**
 * The user as the browser's `<FlagBridgeProvider user>` will see it: the same checks and
 * clipping (`normalizeUser`), refused input reported and read as anonymous, so the server
 * evaluates for exactly the user the browser does.
 */
export function checkServerUser(
  input: unknown,
  report: (error: FlagBridgeError) => void,
): FlagBridgeUser | undefined {
  try {
    const { user, warnings } = normalizeUser(input)
    for (const warning of warnings) report(new FlagBridgeError('INVALID_USER', warning))
    return user
  } catch (error) {
    report(toFlagBridgeError('INVALID_USER', 'user', error))
    return undefined
  }
}

/** Reports through `onError`, else logs: a server helper never throws into the page. */
export function serverReporter(onError: ServerHelperOptions['onError']) {
  return (error: FlagBridgeError) => {
    try {
      if (onError) return onError(error)
    } catch (thrown) {
      console.error('[flagbridge] onError threw:', thrown)
    }
    console.error(error.message)
  }
}
