import { createHash } from 'node:crypto'
import type { ConfigCatProduct } from './configCatProductLookup'
import { parseChangedBy } from './parseChangedBy'
import type { ConfigCatChange } from './parseConfigCatWebhook'

/** The Segment event name, as ConfigCat's own Segment integration sends it. */
export const FLAG_CHANGED_EVENT = 'Feature Flag Changed'

/** The `anonymousId` used when the event is not attributed to the person who made the change. */
export const CONFIGCAT_ANONYMOUS_ID = 'configcat-webhook'

/**
 * Who the Segment event belongs to:
 * - `'anonymous'` (default): `anonymousId: 'configcat-webhook'`, so no user profile is
 *   created or merged from an email address;
 * - `'changer-email'`: `userId` is the changer's email (falls back to anonymous without one).
 */
export type FlagChangedIdentity = 'anonymous' | 'changer-email'

/** Properties of 'Feature Flag Changed', the fields of ConfigCat's own Segment integration. */
export type FlagChangedProperties = {
  timestamp: string
  details: string
  product_id: string | null
  product_name: string | null
  config_id: string
  config_name: string | null
  environment_id: string
  environment_name: string | null
  url: string | null
  user_email: string | null
  user_full_name: string | null
}

/** A Segment `track` call, ready for `@segment/analytics-node`. */
export type FlagChangedTrack = {
  event: typeof FLAG_CHANGED_EVENT
  messageId: string
  timestamp: Date
  properties: FlagChangedProperties
} & ({ userId: string } | { anonymousId: string })

/** Input of {@link createFlagChangedEvent}. */
export interface FlagChangedInput {
  change: ConfigCatChange
  delivery: { webhookId: string; timestamp: number }
  product: ConfigCatProduct
  identity?: FlagChangedIdentity
}

// Segment drops events above 32 KB; ConfigCat's details text is the only unbounded field.
const MAX_DETAILS_CHARS = 16_000

/**
 * Segment `messageId` for a ConfigCat delivery: the same webhook id and timestamp always
 * give the same id (42 chars), so retried deliveries are deduplicated by Segment.
 *
 * @example
 * createFlagChangedMessageId('b616ca659d154a5fb907dd8475792eeb', 1669629035) // 'configcat-…'
 */
export function createFlagChangedMessageId(webhookId: string, timestamp: number): string {
  const digest = createHash('sha256').update(`${webhookId}:${timestamp}`).digest('hex')
  return `configcat-${digest.slice(0, 32)}`
}

/**
 * Builds the 'Feature Flag Changed' track call for one ConfigCat change. Pure: no I/O.
 *
 * @example
 * const track = createFlagChangedEvent({ change, delivery, product: { id: 'p1', name: 'Web' } })
 * analytics.track(track)
 */
export function createFlagChangedEvent(input: FlagChangedInput): FlagChangedTrack {
  const { change, delivery, product } = input
  const changer = parseChangedBy(change.changedBy)
  const timestamp = new Date(delivery.timestamp * 1000)
  const useEmail = input.identity === 'changer-email' && changer.email !== null
  return {
    event: FLAG_CHANGED_EVENT,
    messageId: createFlagChangedMessageId(delivery.webhookId, delivery.timestamp),
    timestamp,
    ...(useEmail ? { userId: changer.email as string } : { anonymousId: CONFIGCAT_ANONYMOUS_ID }),
    properties: {
      timestamp: timestamp.toISOString(),
      details: summarizeDetails(change),
      product_id: product.id,
      product_name: product.name,
      config_id: change.configId,
      config_name: change.configName,
      environment_id: change.environmentId,
      environment_name: change.environmentName,
      url: change.url,
      user_email: changer.email,
      user_full_name: changer.fullName,
    },
  }
}

/** One line (or block) per changed setting, ConfigCat's own wording, CRLFs normalized. */
function summarizeDetails(change: ConfigCatChange): string {
  const summary = change.changeDetails
    .map((entry) => {
      const text = entry.details.replace(/\r\n?/g, '\n').trim()
      return text || `${entry.settingKey}: ${entry.event}`
    })
    .join('\n')
  return summary.length > MAX_DETAILS_CHARS ? `${summary.slice(0, MAX_DETAILS_CHARS)}… (truncated)` : summary
}
