import { createMemoryDeliveryLog, type DeliveryLog } from '../http/deliveryLog'
import { errorResponse } from '../http/errorResponse'
import { jsonResponse, type RelayHandler } from '../http/relayRequest'
import {
  createSegmentDelivery,
  type SegmentDelivery,
  type SegmentDeliveryOptions,
} from '../segment/segmentDelivery'
import {
  type ConfigCatProduct,
  type ConfigCatProductResolver,
  type ConfigCatPublicApiOptions,
  createConfigCatProductLookup,
} from './configCatProductLookup'
import { createFlagChangedEvent, type FlagChangedIdentity } from './createFlagChangedEvent'
import { parseConfigCatWebhook } from './parseConfigCatWebhook'
import { verifyConfigCatSignature } from './verifyConfigCatSignature'

/** Options of {@link createConfigCatWebhookHandler}. */
export interface ConfigCatWebhookHandlerOptions {
  /** Primary and, while rotating, secondary signing key (ConfigCat → Webhooks → Signing keys). */
  signingKeys: readonly string[]
  /** A ready {@link SegmentDelivery}, or the options to create one. */
  segment: SegmentDelivery | SegmentDeliveryOptions
  /**
   * Where `product_id`/`product_name` come from: a fixed product, a resolver, or ConfigCat's
   * Public API (`configCatPublicApi`). Without any, both are `null`.
   */
  product?: ConfigCatProduct | ConfigCatProductResolver
  configCatPublicApi?: ConfigCatPublicApiOptions
  /** Default `'anonymous'`; see {@link FlagChangedIdentity}. */
  identity?: FlagChangedIdentity
  /** Accepted clock skew for `X-ConfigCat-Webhook-Timestamp`. Default 300 s. */
  toleranceSeconds?: number
  /** Remembers delivered message ids; default in memory. Segment deduplicates too. */
  deliveryLog?: DeliveryLog
  /** Called with every error the handler turns into a non-2xx answer, and with product lookup failures. */
  onError?: (error: unknown) => void
  now?: () => number
}

/** A {@link RelayHandler} that also owns a Segment client to close on shutdown. */
export type ConfigCatWebhookHandler = RelayHandler & { close(): Promise<void> }

/**
 * Handles ConfigCat webhooks: verifies the signature, then sends one Segment
 * 'Feature Flag Changed' event and answers 200 only once Segment accepted it.
 *
 * Answers: 200 sent (or already sent), 400 malformed body, 401 bad/missing signature or
 * stale timestamp, 502/503 Segment refused/unavailable (ConfigCat retries).
 *
 * @example
 * const configCat = createConfigCatWebhookHandler({
 *   signingKeys: [process.env.CONFIGCAT_SIGNING_KEY!],
 *   segment: { writeKey: process.env.SEGMENT_WRITE_KEY! },
 *   configCatPublicApi: { username: process.env.CONFIGCAT_API_USER!, password: process.env.CONFIGCAT_API_PASS! },
 * })
 * const response = await configCat({ headers: req.headers, body: rawBody })
 */
export function createConfigCatWebhookHandler(
  options: ConfigCatWebhookHandlerOptions,
): ConfigCatWebhookHandler {
  const segment = 'track' in options.segment ? options.segment : createSegmentDelivery(options.segment)
  const resolveProduct = productResolver(options)
  const deliveryLog = options.deliveryLog ?? createMemoryDeliveryLog()

  const handler: RelayHandler = async (request) => {
    try {
      const delivery = verifyConfigCatSignature({
        headers: request.headers,
        body: request.body,
        signingKeys: options.signingKeys,
        ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
        ...(options.now ? { now: options.now } : {}),
      })
      const change = parseConfigCatWebhook(request.body)
      const product = await resolveProduct(change.configId).catch((error: unknown) => {
        // A missing product name must not lose the change event itself.
        options.onError?.(error)
        return { id: null, name: null }
      })
      const track = createFlagChangedEvent({
        change,
        delivery,
        product,
        ...(options.identity ? { identity: options.identity } : {}),
      })
      if (await deliveryLog.has(track.messageId)) {
        return jsonResponse(200, { ok: true, messageId: track.messageId, duplicate: true })
      }
      await segment.track(track)
      await deliveryLog.add(track.messageId)
      return jsonResponse(200, { ok: true, messageId: track.messageId })
    } catch (error) {
      options.onError?.(error)
      return errorResponse(error)
    }
  }
  return Object.assign(handler, { close: () => segment.close() })
}

function productResolver(options: ConfigCatWebhookHandlerOptions): ConfigCatProductResolver {
  const { product } = options
  if (typeof product === 'function') return product
  if (product) return async () => product
  if (options.configCatPublicApi) return createConfigCatProductLookup(options.configCatPublicApi)
  return async () => ({ id: null, name: null })
}
