import type { FlagBridgeUser, UserAttributeValue } from './user'

/**
 * The user's traits as analytics may see them: `email`, `name`, `country` and custom
 * attributes, minus every name in `privateAttributes`.
 */
export function publicTraits(user: FlagBridgeUser): Record<string, UserAttributeValue> {
  const hidden = hiddenNames(user)
  const traits: Record<string, UserAttributeValue> = {}
  for (const field of ['email', 'name', 'country'] as const) {
    const value = user[field]
    if (value !== undefined && !hidden.has(field)) traits[field] = value
  }
  for (const [name, value] of Object.entries(user.attributes ?? {})) {
    if (!hidden.has(name)) traits[name] = value
  }
  return traits
}

/**
 * The top-level attribute names `privateAttributes` hides. LaunchDarkly's reference syntax is
 * understood (`/secret`, `/address/city`, `~1` for "/" and `~0` for "~"); a reference into an
 * attribute hides the whole attribute, and `address.city` hides `address` as well as the literal
 * name: when unsure, redact.
 */
function hiddenNames(user: FlagBridgeUser): Set<string> {
  const hidden = new Set<string>()
  for (const name of user.privateAttributes ?? []) {
    if (name.startsWith('/')) {
      const top = name.slice(1).split('/')[0] ?? ''
      hidden.add(top.replaceAll('~1', '/').replaceAll('~0', '~'))
    } else {
      hidden.add(name)
      if (name.includes('.')) hidden.add(name.slice(0, name.indexOf('.')))
    }
  }
  return hidden
}
