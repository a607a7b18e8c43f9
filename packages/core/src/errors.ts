/**
 * Every error FlagBridge reports carries one of these codes, so apps can branch on
 * `error.code` instead of parsing messages.
 */
export type FlagBridgeErrorCode =
  | 'MISSING_PROVIDER'
  | 'NO_VENDOR'
  | 'INVALID_FLAG_KEY'
  | 'INVALID_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'INVALID_USER'
  | 'INVALID_OPTIONS'
  | 'VENDOR_ERROR'
  | 'DESTINATION_ERROR'
  | 'QUEUE_OVERFLOW'
  | 'HEAP_BUDGET'
  | 'HEAP_NOT_LOADED'

/**
 * The one error class FlagBridge throws or reports. The message says what went wrong
 * and how to fix it; `code` is stable, `cause` keeps the vendor's own error.
 *
 * @example
 * <FlagBridgeProvider onError={(error) => {
 *   if (error.code === 'DESTINATION_ERROR') reportToSentry(error.cause)
 * }} />
 */
export class FlagBridgeError extends Error {
  override readonly name = 'FlagBridgeError'
  readonly code: FlagBridgeErrorCode

  constructor(code: FlagBridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[flagbridge] ${message}`, options)
    this.code = code
  }
}

/** Wraps anything thrown by third-party code into a {@link FlagBridgeError}. */
export function toFlagBridgeError(
  code: FlagBridgeErrorCode,
  context: string,
  cause: unknown,
): FlagBridgeError {
  if (cause instanceof FlagBridgeError) return cause
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new FlagBridgeError(code, `${context}: ${reason}`, { cause })
}
