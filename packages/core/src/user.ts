import { FlagBridgeError, toFlagBridgeError } from './errors'

/** A scalar the vendors and analytics tools all accept as a user attribute. */
export type UserAttributeValue = string | number | boolean | null | ReadonlyArray<string | number | boolean>

/**
 * The signed-in user, described once for all four systems. `undefined` means anonymous.
 *
 * @example
 * const user: FlagBridgeUser = {
 *   id: me.id,
 *   email: me.email,
 *   attributes: { plan: 'pro' },
 *   privateAttributes: ['email'],
 * }
 */
export interface FlagBridgeUser {
  /** Stable identifier: ConfigCat `identifier`, LaunchDarkly context `key`, Segment `userId`, Heap identity. */
  id: string
  email?: string
  name?: string
  country?: string
  /** Custom attributes used for targeting; sent to analytics as traits unless listed in `privateAttributes`. */
  attributes?: Record<string, UserAttributeValue>
  /**
   * Names (`email`, `name`, `country` or custom attribute names) that never leave the browser in
   * analytics payloads. LaunchDarkly's attribute references work too (`/address/city` hides
   * `address` from analytics; LaunchDarkly itself redacts just the city).
   */
  privateAttributes?: string[]
}

const MAX_ATTRIBUTE_LENGTH = 1024

/**
 * Validates and copies a user into plain, serialisable data. Functions, symbols,
 * `undefined`, cyclic and nested objects are dropped from attributes (with a reason
 * in `warnings`), long strings are cut at 1,024 characters. A user without a usable
 * `id` is refused with `INVALID_USER`.
 */
export function normalizeUser(input: unknown): { user: FlagBridgeUser | undefined; warnings: string[] } {
  const warnings: string[] = []
  if (input === undefined || input === null) return { user: undefined, warnings }
  if (typeof input !== 'object') {
    throw new FlagBridgeError(
      'INVALID_USER',
      process.env.NODE_ENV !== 'production'
        ? `user must be an object like { id: 'user-1' } or undefined, got ${typeof input}.`
        : `user is a ${typeof input}`,
    )
  }
  const raw = input as Record<string, unknown>
  const id = typeof raw.id === 'number' ? String(raw.id) : raw.id
  if (typeof id !== 'string' || id.length === 0) {
    throw new FlagBridgeError(
      'INVALID_USER',
      process.env.NODE_ENV !== 'production'
        ? 'user.id must be a non-empty string. Pass user={undefined} for anonymous visitors.'
        : 'user.id is not a non-empty string',
    )
  }
  const user: FlagBridgeUser = { id: clip(id) }
  for (const field of ['email', 'name', 'country'] as const) {
    const value = raw[field]
    if (value === undefined || value === null) continue
    if (typeof value === 'string') user[field] = clip(value)
    else
      warnings.push(
        process.env.NODE_ENV !== 'production' ? `user.${field} was ignored: use a string.` : `user.${field}`,
      )
  }
  if (raw.attributes !== undefined && raw.attributes !== null) {
    if (typeof raw.attributes !== 'object' || Array.isArray(raw.attributes)) {
      warnings.push(
        process.env.NODE_ENV !== 'production'
          ? 'user.attributes was ignored: use a plain object.'
          : 'user.attributes',
      )
    } else {
      const attributes: Record<string, UserAttributeValue> = {}
      for (const [name, value] of Object.entries(raw.attributes)) {
        const clean = toAttributeValue(value)
        if (clean === undefined)
          warnings.push(
            process.env.NODE_ENV !== 'production'
              ? `user.attributes.${name} was dropped: use a string, number, boolean or a list of those.`
              : `user.attributes.${name}`,
          )
        else attributes[name] = clean
      }
      user.attributes = attributes
    }
  }
  const privateAttributes = checkPrivateAttributes(raw.privateAttributes, user, warnings)
  if (privateAttributes) user.privateAttributes = privateAttributes
  return { user, warnings }
}

/**
 * `privateAttributes` is a list of names. A single name is read as a list of one; anything else
 * can't say what was meant to stay private, so everything is: every attribute the user has.
 */
function checkPrivateAttributes(
  raw: unknown,
  user: FlagBridgeUser,
  warnings: string[],
): string[] | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw === 'string') {
    warnings.push(
      process.env.NODE_ENV !== 'production'
        ? `user.privateAttributes must be a list: ${JSON.stringify(raw)} was read as [${JSON.stringify(raw)}].`
        : 'user.privateAttributes',
    )
    return [raw]
  }
  if (Array.isArray(raw) && raw.every((name) => typeof name === 'string')) return [...raw]
  warnings.push(
    process.env.NODE_ENV !== 'production'
      ? 'user.privateAttributes must be a list of attribute names: every attribute was kept private instead.'
      : 'user.privateAttributes',
  )
  return [
    ...(['email', 'name', 'country'] as const).filter((field) => user[field] !== undefined),
    ...Object.keys(user.attributes ?? {}),
  ]
}

function clip(text: string): string {
  return text.length > MAX_ATTRIBUTE_LENGTH ? text.slice(0, MAX_ATTRIBUTE_LENGTH) : text
}

function toAttributeValue(value: unknown): UserAttributeValue | undefined {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'string') return clip(value)
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (Array.isArray(value)) {
    const items = value.filter((item) => ['string', 'number', 'boolean'].includes(typeof item))
    return items.length === value.length ? (items as Array<string | number | boolean>) : undefined
  }
  return undefined
}

/**
 * Whether a server bootstrap evaluated for `owner` (a user id; `null`: an anonymous visitor;
 * `undefined`: not recorded, trusted) belongs to someone other than the user `id`. Its values
 * may then differ from this user's: shown where the server rendered them, never sent as theirs.
 *
 * @example
 * isOthersBootstrap(bootstrap.configcat.user, user?.id) // true: rendered as loading, not tracked
 */
export const isOthersBootstrap = (owner: string | null | undefined, id: string | undefined): boolean =>
  owner !== undefined && owner !== (id ?? null)

/** Compares two users by value, so inline `user={{ id }}` props don't look like a new user each render. */
export function isSameUser(a: FlagBridgeUser | undefined, b: FlagBridgeUser | undefined): boolean {
  if (a === b) return true
  if (!a || !b) return false
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * `user` as FlagBridge uses it everywhere (provider, server helpers): {@link normalizeUser}, with
 * what it clipped and what it refused reported as `INVALID_USER`; refused input reads as anonymous.
 *
 * @example
 * const user = checkUser(input, report) // never throws
 */
export function checkUser(
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
