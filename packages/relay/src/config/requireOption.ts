import { RelayConfigurationError } from '../errors'

/**
 * Checks a required text option at construction, so a missing secret fails at start-up with the
 * option's name instead of as a 500 on the first webhook.
 *
 * @throws {RelayConfigurationError} when `value` is not a non-empty string.
 * @example
 * requireText(options.secret, 'createHeapWebhookHandler', 'secret', 'HEAP_WEBHOOK_SECRET')
 */
export function requireText(value: unknown, owner: string, option: string, variable?: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value
  throw new RelayConfigurationError(
    `${owner}: options.${option} is missing or empty${variable ? ` (is ${variable} set?)` : ''}.`,
  )
}

/**
 * Checks that an object option is present.
 *
 * @throws {RelayConfigurationError} when it is missing.
 */
export function requireObject<T extends object>(value: T | undefined, owner: string, option: string): T {
  if (typeof value === 'object' && value !== null) return value
  throw new RelayConfigurationError(`${owner}: options.${option} is missing.`)
}

/**
 * Checks a list of secrets (primary and, while rotating, secondary): at least one non-empty string.
 *
 * @throws {RelayConfigurationError} otherwise.
 */
export function requireSecrets(
  value: unknown,
  owner: string,
  option: string,
  variable?: string,
): readonly string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
  const secrets = list.filter((item): item is string => typeof item === 'string' && item.trim() !== '')
  if (secrets.length > 0) return secrets
  throw new RelayConfigurationError(
    `${owner}: options.${option} has no non-empty secret${variable ? ` (is ${variable} set?)` : ''}.`,
  )
}

/**
 * Checks an optional positive number option and returns it, or `fallback` when absent.
 *
 * @throws {RelayConfigurationError} for zero, negative or non-finite values.
 */
export function positiveNumber(
  value: number | undefined,
  owner: string,
  option: string,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (Number.isFinite(value) && value > 0) return value
  throw new RelayConfigurationError(`${owner}: options.${option} must be a positive number, not ${value}.`)
}
