// The demo "vendor dashboard": which flags each vendor serves, and how that looks on the
// wire. Pure data and functions, shared by the Storybook dev server's vendor stand-in
// (.storybook/vendorStandIn.ts, in Node) and the offline fallback in the browser.

/** Any JSON value a demo flag can serve. */
export type DemoValue = boolean | string | number | null | DemoValue[] | { [key: string]: DemoValue }

/** One served variation: its value and variation id (a LaunchDarkly variation index is digits). */
export interface DemoVariation {
  value: DemoValue
  variationId: string
}

/** A flag on the dashboard: what everyone gets, and optionally what given user ids get. */
export interface DemoFlag extends DemoVariation {
  byUser?: Record<string, DemoVariation>
  /**
   * Everyone's variation is served as part of an experiment: LaunchDarkly says so in the
   * evaluation reason (`inExperiment`), ConfigCat serves it through a percentage option (100%).
   * Users in `byUser` are targeted, not in the experiment.
   */
  experiment?: boolean
}

export type DemoVendor = 'configcat' | 'launchdarkly'

/** How a vendor's endpoint misbehaves: answers 503, or never answers. */
export type DemoFault = 'down' | 'slow'

export interface DashboardState {
  configcat: Record<string, DemoFlag>
  launchdarkly: Record<string, DemoFlag>
  faults?: Partial<Record<DemoVendor, DemoFault>>
}

/** The variation a user gets (`undefined` user id: anonymous). */
export function variationFor(flag: DemoFlag, userId: string | undefined): DemoVariation {
  return (userId !== undefined && flag.byUser?.[userId]) || flag
}

/** Whether this user gets the flag as part of an experiment (see `DemoFlag.experiment`). */
export function inExperimentFor(flag: DemoFlag, userId: string | undefined): boolean {
  return flag.experiment === true && variationFor(flag, userId) === flag
}

function configCatValue(value: DemoValue): { t: 0 | 1 | 2 | 3; v: Record<string, unknown> } {
  if (typeof value === 'boolean') return { t: 0, v: { b: value } }
  if (typeof value === 'number')
    return Number.isInteger(value) ? { t: 2, v: { i: value } } : { t: 3, v: { d: value } }
  // ConfigCat has no JSON setting type: JSON travels as text, as apps do.
  return { t: 1, v: { s: typeof value === 'string' ? value : JSON.stringify(value) } }
}

/**
 * ConfigCat's `config_v6.json` for these flags. Per-user values become targeting rules
 * ("Identifier IS ONE OF"), which the SDK evaluates in the browser.
 */
export function toConfigCatConfig(flags: Record<string, DemoFlag>) {
  const f: Record<string, unknown> = {}
  for (const [key, flag] of Object.entries(flags)) {
    const { t, v } = configCatValue(flag.value)
    const rules = Object.entries(flag.byUser ?? {}).map(([userId, variation]) => ({
      c: [{ u: { a: 'Identifier', c: 0, l: [userId] } }],
      s: { v: configCatValue(variation.value).v, i: variation.variationId },
    }))
    // An experiment: a 100% percentage option over the user's identifier (needs a user, as on ConfigCat).
    const percentage = flag.experiment ? { a: 'Identifier', p: [{ p: 100, v, i: flag.variationId }] } : {}
    f[key] = { t, v, i: flag.variationId, ...percentage, ...(rules.length > 0 ? { r: rules } : {}) }
  }
  return { p: { u: 'https://cdn-global.configcat.com', r: 0, s: 'flagbridge-demo' }, f }
}

/** LaunchDarkly's evaluation reason for this user (sent with `evaluationReasons`). */
function launchDarklyReason(flag: DemoFlag, userId: string | undefined) {
  if (inExperimentFor(flag, userId)) return { kind: 'FALLTHROUGH', inExperiment: true }
  return { kind: variationFor(flag, userId) === flag ? 'FALLTHROUGH' : 'TARGET_MATCH' }
}

/** One flag in LaunchDarkly's client-side wire format (evalx body, stream `put`). */
export function toLaunchDarklyFlag(flag: DemoFlag, userId: string | undefined, version: number) {
  const { value, variationId } = variationFor(flag, userId)
  const inExperiment = inExperimentFor(flag, userId)
  return {
    value,
    variation: Number(variationId),
    version,
    flagVersion: version,
    trackEvents: false,
    // As LaunchDarkly does for an experiment: the SDK sends full events with their reasons.
    ...(inExperiment ? { trackReason: true } : {}),
    reason: launchDarklyReason(flag, userId),
  }
}

/** LaunchDarkly's `evalx` answer for one context key. */
export function toLaunchDarklyFlags(
  flags: Record<string, DemoFlag>,
  userId: string | undefined,
  version = 1,
) {
  return Object.fromEntries(
    Object.entries(flags).map(([key, flag]) => [key, toLaunchDarklyFlag(flag, userId, version)]),
  )
}

/** A LaunchDarkly `bootstrap` flag set (values plus `$flagsState`, with reasons) for one user. */
export function toLaunchDarklyBootstrap(flags: Record<string, DemoFlag>, userId: string | undefined) {
  const bootstrap: Record<string, unknown> = { $valid: true }
  const state: Record<string, unknown> = {}
  for (const [key, flag] of Object.entries(flags)) {
    const { value, variationId } = variationFor(flag, userId)
    bootstrap[key] = value
    state[key] = { variation: Number(variationId), version: 1, reason: launchDarklyReason(flag, userId) }
  }
  bootstrap.$flagsState = state
  return bootstrap
}

/**
 * Demo SDK keys and ids carry the demo project's name, so one stand-in server keeps a
 * separate dashboard per story render. ConfigCat keys need two 22-character parts.
 */
export function configCatSdkKey(project: string): string {
  return `configcat-sdk-1/${project.padEnd(22, '_').slice(0, 22)}/${'demo'.padEnd(22, '_')}`
}

export function projectFromConfigCatKey(sdkKey: string): string {
  return (sdkKey.split('/')[1] ?? '').replace(/_+$/, '')
}

/** The stand-in's own routes, under the Storybook origin. */
export const STAND_IN_PREFIX = '/__vendors'
