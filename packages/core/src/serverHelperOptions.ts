import type { FlagBridgeError } from './errors'

/** Options every server helper takes. */
export interface ServerHelperOptions {
  /** Receives what went wrong (`VENDOR_ERROR`, `INVALID_USER`); default: `console.error`. */
  onError?: (error: FlagBridgeError) => void
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
