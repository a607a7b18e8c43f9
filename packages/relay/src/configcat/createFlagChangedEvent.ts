import type { SegmentDelivery } from '../segment/segmentDelivery'
import { sha256Hex } from '../signature/sha256Hex'
import { truncateToJsonBytes } from '../text/truncateToJsonBytes'
import { encodeUtf8 } from '../text/utf8'
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

/** A Segment `track` call, ready for {@link SegmentDelivery}. */
export type FlagChangedTrack = {
  event: typeof FLAG_CHANGED_EVENT
  messageId: string
  timestamp: Date
  properties: FlagChangedProperties
} & ({ userId: string } | { anonymousId: string })

/** Input of {@link createFlagChangedEvent}. */
export interface FlagChangedInput {
  change: ConfigCatChange
  /** `X-ConfigCat-Webhook-Timestamp`, Unix seconds. */
  timestamp: number
  /** From {@link createFlagChangedMessageId}. */
  messageId: string
  product: ConfigCatProduct
  identity?: FlagChangedIdentity
}

// Segment's HTTP API refuses events over 32 KB (its encoded JSON). The delivery adds `type`,
// `context.library` and an ISO timestamp, well under 1 KB.
const MAX_EVENT_BYTES = 32 * 1024
const RESERVED_BYTES = 1024

/**
 * Segment `messageId` for a ConfigCat change (42 chars): derived from the SHA-256 of the body and
 * of the change sent before it in the same config and environment, never from the webhook id or
 * timestamp, which ConfigCat changes on every retry. So a retry gets the id of its first
 * attempt (Segment drops the copy), and a later change back to an earlier state gets a new one.
 *
 * @example
 * await createFlagChangedMessageId(await sha256Hex(rawBody)) // 'configcat-…'
 */
export async function createFlagChangedMessageId(
  bodyHash: string,
  previousBodyHash?: string,
): Promise<string> {
  const digest = await sha256Hex(`${previousBodyHash ?? ''}>${bodyHash}`)
  return `configcat-${digest.slice(0, 32)}`
}

/**
 * Builds the 'Feature Flag Changed' track call for one ConfigCat change. Pure: no I/O.
 * `details` is cut (by encoded bytes, not characters) so the whole event stays under
 * Segment's 32 KB limit.
 *
 * @example
 * const track = createFlagChangedEvent({ change, timestamp, messageId, product: { id: 'p1', name: 'Web' } })
 * analytics.track(track)
 */
export function createFlagChangedEvent(input: FlagChangedInput): FlagChangedTrack {
  const { change, product } = input
  const changer = parseChangedBy(change.changedBy)
  const timestamp = new Date(input.timestamp * 1000)
  const useEmail = input.identity === 'changer-email' && changer.email !== null
  const track: FlagChangedTrack = {
    event: FLAG_CHANGED_EVENT,
    messageId: input.messageId,
    timestamp,
    ...(useEmail ? { userId: changer.email as string } : { anonymousId: CONFIGCAT_ANONYMOUS_ID }),
    properties: {
      timestamp: timestamp.toISOString(),
      details: '',
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
  const rest = encodeUtf8(JSON.stringify(track)).length
  track.properties.details = truncateToJsonBytes(
    summarizeDetails(change),
    MAX_EVENT_BYTES - RESERVED_BYTES - rest,
  )
  return track
}

/** One line (or block) per changed setting, ConfigCat's own wording, CRLFs normalized. */
function summarizeDetails(change: ConfigCatChange): string {
  return change.changeDetails
    .map((entry) => {
      const text = entry.details.replace(/\r\n?/g, '\n').trim()
      return text || `${entry.settingKey}: ${entry.event}`
    })
    .join('\n')
}
