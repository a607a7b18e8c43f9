import { positiveNumber, requireObject, requireSecrets, requireText } from '../config/requireOption'
import { createBodyBytesInFlight } from '../http/bodyBytesInFlight'
import { errorResponse } from '../http/errorResponse'
import { jsonResponse } from '../http/jsonResponse'
import { readBodyBytes } from '../http/readBody'
import { createRetryBudget, type RetryBudget } from '../http/retryBudget'
import type { RelayFetchHandler } from '../http/webhookHandler'
import {
  createSegmentDelivery,
  type SegmentDelivery,
  type SegmentDeliveryOptions,
} from '../segment/segmentDelivery'
import { sha256Hex } from '../signature/sha256Hex'
import { createMemoryRelayStore } from '../store/memoryRelayStore'
import type { RelayStore } from '../store/relayStore'
import { decodeUtf8Body } from '../text/utf8'
import { createChangeDeliveries } from './changeDeliveries'
import {
  type ConfigCatProduct,
  type ConfigCatProductResolver,
  type ConfigCatPublicApiOptions,
  createConfigCatProductLookup,
} from './configCatProductLookup'
import { createFlagChangedEvent, type FlagChangedIdentity } from './createFlagChangedEvent'
import { type ConfigCatChange, parseConfigCatWebhook } from './parseConfigCatWebhook'
import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  type VerifiedConfigCatDelivery,
  verifyConfigCatSignature,
} from './verifyConfigCatSignature'

/** Options of {@link createConfigCatWebhookHandler}. */
export interface ConfigCatWebhookHandlerOptions {
  /** Primary and, while rotating, secondary signing key (ConfigCat → Webhooks → Signing keys). */
  signingKeys: readonly (string | undefined)[]
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
  /** Shared between instances so a retry to another instance is not sent twice; default in memory. */
  store?: RelayStore
  /** Largest body accepted; larger ones get 413. Default 64 KB (ConfigCat bodies are a few KB). */
  maxBodyBytes?: number
  /**
   * Bytes of bodies being read at once, over all requests: a body is read whole before its
   * signature can be checked, so past this a request gets 503 (`RELAY_BUSY`, ConfigCat
   * retries). Default 16 MB.
   */
  maxBodyBytesInFlight?: number
  /**
   * Time one webhook may take, product lookup and Segment retries included. Default 20 s: under
   * API Gateway's 29 s integration timeout with room to answer. Lower it on platforms with
   * shorter limits (Vercel's classic 10 s default: 8000).
   */
  deadlineMs?: number
  /** Called with every error (full message) the handler turns into a non-2xx answer, and with lookup failures. Default `console.error`. */
  onError?: (error: unknown) => void
  now?: () => number
}

/** A {@link RelayFetchHandler} that also owns a Segment client to close on shutdown. */
export type ConfigCatWebhookHandler = RelayFetchHandler & { close(): Promise<void> }

const OWNER = 'createConfigCatWebhookHandler'
// The product lookup is optional decoration: it never takes more than this of the budget.
const PRODUCT_LOOKUP_MS = 3000

/**
 * Handles ConfigCat webhooks in the web-standard form: reads at most `maxBodyBytes`, verifies the
 * signature over the raw bytes, then sends one Segment 'Feature Flag Changed' event and answers
 * 200 only once Segment accepted it, all within `deadlineMs`.
 *
 * A retry (ConfigCat gives it a new webhook id and timestamp) is recognized by its body and not
 * sent again; see `changeDeliveries.ts`. Concurrent copies of one delivery on this instance share
 * one attempt (a per-instance map, safe to lose); across instances the store's claim decides.
 *
 * Answers: 200 sent (or already sent), 400 malformed body, 401 bad/missing signature or stale
 * timestamp, 413 too large, 502/503 Segment refused/unavailable or the store is down (ConfigCat retries).
 *
 * @throws {RelayConfigurationError} at construction, naming a missing option.
 * @example
 * const configCat = createConfigCatWebhookHandler({
 *   signingKeys: [process.env.CONFIGCAT_SIGNING_KEY],
 *   segment: { writeKey: process.env.SEGMENT_WRITE_KEY! },
 *   configCatPublicApi: { username: process.env.CONFIGCAT_API_USER!, password: process.env.CONFIGCAT_API_PASS! },
 * })
 * const response = await configCat(request) // a web Request
 */
export function createConfigCatWebhookHandler(
  options: ConfigCatWebhookHandlerOptions,
): ConfigCatWebhookHandler {
  const signingKeys = requireSecrets(options.signingKeys, OWNER, 'signingKeys', 'CONFIGCAT_SIGNING_KEY')
  const segmentOption = requireObject(options.segment, OWNER, 'segment')
  const segment = 'track' in segmentOption ? segmentOption : createSegment(segmentOption)
  const resolveProduct = productResolver(options)
  const maxBodyBytes = positiveNumber(options.maxBodyBytes, OWNER, 'maxBodyBytes', 64 * 1024)
  const deadlineMs = positiveNumber(options.deadlineMs, OWNER, 'deadlineMs', 20_000)
  const bodies = createBodyBytesInFlight(
    positiveNumber(options.maxBodyBytesInFlight, OWNER, 'maxBodyBytesInFlight', 16 * 1024 * 1024),
  )
  // The claim outlives the attempt it guards by a second; if the instance dies, it frees itself then.
  const toleranceSeconds = positiveNumber(
    options.toleranceSeconds,
    OWNER,
    'toleranceSeconds',
    DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  )
  const deliveries = createChangeDeliveries(
    options.store ?? createMemoryRelayStore(),
    deadlineMs + 1000,
    2 * toleranceSeconds * 1000,
  )
  const onError = options.onError ?? ((error: unknown) => console.error(error))
  const inFlight = new Map<string, Promise<Record<string, unknown>>>()

  const deliver = async (
    change: ConfigCatChange,
    scope: string,
    bodyHash: string,
    delivery: VerifiedConfigCatDelivery,
    budget: RetryBudget,
  ) => {
    const start = await deliveries.begin(scope, bodyHash, delivery.webhookId)
    if (start.duplicate) return { ok: true, messageId: start.messageId, duplicate: true }
    try {
      const product = await lookUpProduct(change.configId, budget)
      const track = createFlagChangedEvent({
        change,
        timestamp: delivery.timestamp,
        messageId: start.messageId,
        product,
        ...(options.identity ? { identity: options.identity } : {}),
      })
      await segment.track(track, budget)
    } catch (error) {
      await start.release().catch(onError)
      throw error
    }
    // Segment has the event: answer 200 even if recording that fails (a retry is deduplicated by messageId).
    await start.commit().catch(onError)
    return { ok: true, messageId: start.messageId }
  }

  const lookUpProduct = async (configId: string, budget: RetryBudget): Promise<ConfigCatProduct> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('[flagbridge] The ConfigCat product lookup did not finish in time.')),
        budget.attemptTimeout(PRODUCT_LOOKUP_MS),
      )
    })
    try {
      return await Promise.race([resolveProduct(configId), timeout])
    } catch (error) {
      // A missing product name must not lose the change event itself.
      onError(error)
      return { id: null, name: null }
    } finally {
      clearTimeout(timer)
    }
  }

  const handler: RelayFetchHandler = async (request) => {
    // The whole webhook, from the first byte read, is within deadlineMs.
    const budget = createRetryBudget(deadlineMs)
    try {
      const bytes = await readBodyBytes(request, maxBodyBytes, bodies)
      const delivery = await verifyConfigCatSignature({
        headers: request.headers,
        body: bytes,
        signingKeys,
        toleranceSeconds,
        ...(options.now ? { now: options.now } : {}),
      })
      const change = parseConfigCatWebhook(decodeUtf8Body(bytes))
      const bodyHash = await sha256Hex(bytes)
      const scope = `${change.configId}:${change.environmentId}`
      const key = `${scope}:${bodyHash}`
      let outcome = inFlight.get(key)
      if (!outcome) {
        outcome = deliver(change, scope, bodyHash, delivery, budget).finally(() => inFlight.delete(key))
        inFlight.set(key, outcome)
      }
      return jsonResponse(200, await outcome)
    } catch (error) {
      onError(error)
      return errorResponse(error)
    }
  }
  return Object.assign(handler, { close: () => segment.close() })
}

function createSegment(options: SegmentDeliveryOptions): SegmentDelivery {
  requireText(options.writeKey, OWNER, 'segment.writeKey', 'SEGMENT_WRITE_KEY')
  return createSegmentDelivery(options)
}

function productResolver(options: ConfigCatWebhookHandlerOptions): ConfigCatProductResolver {
  const { product, configCatPublicApi } = options
  if (typeof product === 'function') return product
  if (product) return async () => product
  if (configCatPublicApi) {
    requireText(configCatPublicApi.username, OWNER, 'configCatPublicApi.username', 'CONFIGCAT_API_USER')
    requireText(configCatPublicApi.password, OWNER, 'configCatPublicApi.password', 'CONFIGCAT_API_PASSWORD')
    return createConfigCatProductLookup(configCatPublicApi)
  }
  return async () => ({ id: null, name: null })
}
