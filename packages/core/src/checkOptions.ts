import { FlagBridgeError } from './errors'
import type { FlagProvider, FlagValue } from './evaluation'

/**
 * The one boundary between what an app passes and what the engine uses: each function turns a
 * raw option into a checked one, reports every refusal as `INVALID_OPTIONS` (saying what was
 * given and what is used instead), and puts the documented default in its place. The engine
 * never sees unchecked input. The `tracking` options are checked in ./checkTracking, which loads
 * with the tracker.
 */

export type Report = (error: FlagBridgeError) => void

const VENDORS: readonly FlagProvider[] = ['configcat', 'launchdarkly']

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object' && value !== null) return 'an object'
  return String(value)
}

export function refuse(report: Report, name: string, value: unknown, expected: string, fallback: unknown) {
  report(
    new FlagBridgeError(
      'INVALID_OPTIONS',
      process.env.NODE_ENV !== 'production'
        ? `${name} must be ${expected}, got ${describe(value)}: ${describe(fallback)} is used instead.`
        : `${name}: ${describe(value)}`,
    ),
  )
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `tracking.consent` (and `setConsent`): a boolean. Anything else is refused and counts as *no*
 * consent until a boolean arrives: `'false'` must never switch analytics on.
 */
export function checkConsent(value: unknown, report: Report): boolean {
  if (value === undefined) return true
  if (typeof value === 'boolean') return value
  // One name for the prop and setConsent(), so one bad value is reported once.
  refuse(report, 'tracking.consent', value, 'true or false', false)
  return false
}

/** `routing`: `default` and every `flags` entry must name a vendor; others are dropped. */
export function checkRouting(
  raw: unknown,
  report: Report,
): { default?: FlagProvider; flags?: Record<string, FlagProvider> } {
  if (raw === undefined || raw === null) return {}
  if (!isPlainObject(raw)) {
    refuse(report, 'routing', raw, 'an object', {})
    return {}
  }
  const checked: { default?: FlagProvider; flags?: Record<string, FlagProvider> } = {}
  const isVendor = (value: unknown): value is FlagProvider => VENDORS.includes(value as FlagProvider)
  if (raw.default !== undefined) {
    if (isVendor(raw.default)) checked.default = raw.default
    else refuse(report, 'routing.default', raw.default, "'configcat' or 'launchdarkly'", undefined)
  }
  if (raw.flags !== undefined) {
    if (!isPlainObject(raw.flags)) refuse(report, 'routing.flags', raw.flags, 'an object', {})
    else {
      // No prototype: keys like "__proto__" or "constructor" are flag keys like any other.
      const flags: Record<string, FlagProvider> = Object.create(null)
      for (const [key, vendor] of Object.entries(raw.flags)) {
        if (isVendor(vendor)) flags[key] = vendor
        else
          refuse(
            report,
            `routing.flags[${JSON.stringify(key)}]`,
            vendor,
            "'configcat' or 'launchdarkly'",
            undefined,
          )
      }
      checked.flags = flags
    }
  }
  return checked
}

/**
 * Whether `value` is a value a flag can serve and every destination can carry: booleans, text,
 * finite numbers, null, and lists and objects of those (no cycles, bigints, functions).
 */
export function isFlagValue(value: unknown, seen: Set<object> = new Set()): value is FlagValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value !== 'object') return false
  if (seen.has(value)) return false
  seen.add(value)
  const items = Array.isArray(value) ? value : Object.values(value)
  const valid = items.every((item) => isFlagValue(item, seen))
  seen.delete(value)
  return valid
}

/** An override's value: refused (nothing is overridden) unless it is a {@link isFlagValue}. */
export function checkOverrideValue(key: string, value: unknown, report: Report): value is FlagValue {
  if (isFlagValue(value)) return true
  report(
    new FlagBridgeError(
      'INVALID_OPTIONS',
      process.env.NODE_ENV !== 'production'
        ? `The override for "${key}" must be a boolean, text, a finite number, null or JSON without cycles, got ${describe(value)}: it was not applied.`
        : `override "${key}": ${describe(value)}`,
    ),
  )
  return false
}
