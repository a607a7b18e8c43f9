import type { FlagBridgeUser } from './user'

/** A LaunchDarkly single-kind user context, as `identify` takes it. */
export interface LaunchDarklyContext {
  kind: 'user'
  key?: string
  anonymous?: boolean
  name?: string
  email?: string
  _meta?: { privateAttributes?: string[] }
  [attribute: string]: unknown
}

/** `{ id, name, email, attributes, privateAttributes }` → `{ kind: 'user', key, name, email, ...attributes, _meta }`; anonymous when no user. */
export function toLaunchDarklyContext(user: FlagBridgeUser | undefined): LaunchDarklyContext {
  if (!user) return { kind: 'user', anonymous: true }
  const context: LaunchDarklyContext = { ...user.attributes, kind: 'user', key: user.id }
  if (user.name !== undefined) context.name = user.name
  if (user.email !== undefined) context.email = user.email
  if (user.privateAttributes?.length) context._meta = { privateAttributes: [...user.privateAttributes] }
  return context
}

/**
 * Whether the client's context (`getContext()`) is the one FlagBridge asked for. The anonymous
 * visitor's request (no key) matches any anonymous context (LaunchDarkly adds the key it
 * generated); any other, a signed-in user with `attributes.anonymous` included, is compared
 * attribute by attribute, in any order.
 */
export function isSameContext(wanted: LaunchDarklyContext, actual: object): boolean {
  const current = actual as Record<string, unknown>
  if (isAnonymousVisitor(wanted)) return current.kind === 'user' && current.anonymous === true
  return canonicalContext(wanted) === canonicalContext(current)
}

/** FlagBridge's context for a visitor without a user: anonymous, its key left to LaunchDarkly. */
export function isAnonymousVisitor(context: LaunchDarklyContext): boolean {
  return context.anonymous === true && context.key === undefined
}

/**
 * Contexts are compared on every read of a flag; neither FlagBridge's nor the client's context
 * objects change once made (a new user is a new object), so each is written out once.
 */
const written = new WeakMap<object, string>()
function canonicalContext(context: object): string {
  let text = written.get(context)
  if (text === undefined) {
    text = canonical(context)
    written.set(context, text)
  }
  return text
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .filter((name) => (value as Record<string, unknown>)[name] !== undefined)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonical((value as Record<string, unknown>)[name])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
