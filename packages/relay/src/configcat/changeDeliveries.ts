import { DeliveryInProgressError } from '../errors'
import type { RelayStore } from '../store/relayStore'
import { createFlagChangedMessageId } from './createFlagChangedEvent'

// What identifies a ConfigCat change across retries. ConfigCat's webhook documentation
// (https://configcat.com/docs/advanced/notifications-webhooks/, "Verifying Webhook requests" and
// "Retries"; source: github.com/configcat/docs, website/docs/advanced/notifications-webhooks.mdx):
//   X-ConfigCat-Webhook-ID        "A unique ID for the webhook request. This is different for every request."
//   X-ConfigCat-Webhook-Timestamp "The time the request was sent, in Unix timestamp format (seconds since epoch)."
//   Retries: a request that "may not have been delivered successfully (for example, due to network
//   issues or a non-2XX response)" is retried "up to 5 times, using variable delays between attempts".
// So a retry is a new request with a new id and timestamp, and neither can name the change. The
// body can: the same change fills the template with the same text. A change back to an earlier
// state (on, off, on) repeats a body too, but never right after itself, so "the body of the last
// change sent for this config and environment" tells a retry from a new change.
// The id still tells one thing: a request seen again with the same id and body is that very request
// (captured and replayed within the timestamp window, or repeated by a proxy), even when another
// change was sent in between; ids of delivered requests are kept for that window.

/** How long the last sent change of a config and environment is remembered. */
const LAST_CHANGE_TTL_MS = 30 * 24 * 3_600_000

/** The outcome of {@link ChangeDeliveries.begin}. */
export type ChangeDeliveryStart =
  | { duplicate: true; messageId: string | undefined }
  | {
      duplicate: false
      messageId: string
      /** Records the change as sent and frees the claim. */
      commit(): Promise<void>
      /** Frees the claim after a failed attempt, so the sender's retry may try again at once. */
      release(): Promise<void>
    }

/** Decides, through the shared store, whether a ConfigCat delivery is a new change or a retry. */
export interface ChangeDeliveries {
  /**
   * @param scope `configId:environmentId`
   * @param bodyHash SHA-256 of the raw body
   * @param webhookId `X-ConfigCat-Webhook-ID` (signed): a request delivered before is a replay
   * @throws {DeliveryInProgressError} while another attempt at the same change runs.
   */
  begin(scope: string, bodyHash: string, webhookId: string): Promise<ChangeDeliveryStart>
}

/**
 * {@link ChangeDeliveries} over a {@link RelayStore}: `configcat:last:<scope>` holds the body hash
 * and messageId of the last change sent; `configcat:sending:<scope>:<hash>` is claimed for
 * `claimTtlMs` while one attempt sends, and expires by itself if that instance dies;
 * `configcat:request:<webhook id>:<hash>` holds the messageId of a delivered request for `replayTtlMs`
 * (twice the timestamp tolerance: as long as its signature can pass).
 */
export function createChangeDeliveries(
  store: RelayStore,
  claimTtlMs: number,
  replayTtlMs: number,
): ChangeDeliveries {
  const lastSent = async (scope: string) => {
    const value = await store.get(`configcat:last:${scope}`)
    const [hash, messageId] = value?.split(' ') ?? []
    return { hash, messageId }
  }
  return {
    async begin(scope, bodyHash, webhookId) {
      const requestKey = `configcat:request:${webhookId}:${bodyHash}`
      const delivered = await store.get(requestKey)
      if (delivered !== undefined) return { duplicate: true, messageId: delivered }
      const before = await lastSent(scope)
      if (before.hash === bodyHash) return { duplicate: true, messageId: before.messageId }
      const claimKey = `configcat:sending:${scope}:${bodyHash}`
      if (!(await store.claim(claimKey, claimTtlMs)))
        throw new DeliveryInProgressError('This ConfigCat change')
      // Another attempt may have finished between the first read and the claim.
      const last = await lastSent(scope)
      if (last.hash === bodyHash) {
        await store.delete(claimKey)
        return { duplicate: true, messageId: last.messageId }
      }
      const messageId = await createFlagChangedMessageId(bodyHash, last.hash)
      return {
        duplicate: false,
        messageId,
        async commit() {
          await store.set(`configcat:last:${scope}`, `${bodyHash} ${messageId}`, LAST_CHANGE_TTL_MS)
          await store.set(requestKey, messageId, replayTtlMs)
          await store.delete(claimKey)
        },
        release: () => store.delete(claimKey),
      }
    },
  }
}
