import { useEffect, useRef } from 'react'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Equal by value, as an app writing props inline means it: plain objects and lists field by
 * field, functions always (an inline callback is new on every render and can't be compared),
 * anything else (an `AnalyticsBrowser`, a Heap API) by reference.
 */
function isSameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a === 'function' && typeof b === 'function') return true
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => isSameValue(item, b[index]))
  if (!isPlainObject(a) || !isPlainObject(b)) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every((key) => isSameValue(a[key], b[key]))
}

/** `tracking` as read-once props (`tracking.dedupe`, …): every option but `consent`, which is followed. */
function readOnceTracking(tracking: object | undefined): Record<string, unknown> {
  const props: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(tracking ?? {}))
    if (name !== 'consent') props[`tracking.${name}`] = value
  return props
}

function useReadOncePropsWarningInDevelopment(
  component: string,
  readOnce: Record<string, unknown>,
  tracking: object | undefined,
) {
  const props = { ...readOnce, ...readOnceTracking(tracking) }
  const initial = useRef(props)
  const warned = useRef(new Set<string>())
  useEffect(() => {
    const names = new Set([...Object.keys(initial.current), ...Object.keys(props)])
    for (const name of names) {
      if (warned.current.has(name) || isSameValue(initial.current[name], props[name])) continue
      warned.current.add(name)
      console.warn(
        `[flagbridge] <${component}> ${name} changed after mount and the change is ignored: it is read once, when the provider mounts. To apply it, give <${component}> a new \`key\` (for example one derived from the new value) so it remounts.`,
      )
    }
  })
}

/**
 * Props a provider reads once, when it mounts (as `ConfigCatProvider` reads its options): a later
 * change would be ignored silently, so development builds warn, once per prop and provider,
 * naming the prop and the fix (a new `key` remounts the provider with it). `readOnce` maps each
 * prop's name (`segment`) to its value, and every `tracking` option but `consent` counts too
 * (`tracking.dedupe`); values are compared as {@link isSameValue} says, so inline objects equal
 * to the first ones don't warn. Production builds get a hook that does nothing, and none of this code.
 */
export const useReadOncePropsWarning: typeof useReadOncePropsWarningInDevelopment =
  process.env.NODE_ENV === 'production' ? () => {} : useReadOncePropsWarningInDevelopment
