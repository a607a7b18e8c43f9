import type { FlagBridgeError } from './errors'

const MAX_REPORTED = 200

/**
 * Hands errors to the app's `onError`, once per distinct problem (a wrong default read by 1,000
 * components is one report). An `onError` that throws never breaks FlagBridge, but is not
 * silent either: development builds log it to the console.
 */
export function createErrorReporter(initial?: (error: FlagBridgeError) => void) {
  let onError = initial
  const reported = new Set<string>()
  const deliver = (error: FlagBridgeError) => {
    try {
      onError?.(error)
    } catch (thrown) {
      if (process.env.NODE_ENV !== 'production')
        console.error('[flagbridge] onError threw while handling', error, thrown)
    }
  }
  return {
    /** Reports `error` unless the same message was already reported. */
    report(error: FlagBridgeError) {
      if (reported.has(error.message)) return
      if (reported.size >= MAX_REPORTED) reported.clear()
      reported.add(error.message)
      deliver(error)
    },
    /** Reports `error` even when it was reported before (each failed send, each dropped event). */
    reportEvery: deliver,
    setOnError(handler: ((error: FlagBridgeError) => void) | undefined) {
      onError = handler
    },
  }
}
