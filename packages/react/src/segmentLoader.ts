import { FlagBridgeError } from '@flagbridge/core/engine'
import type { SegmentSource } from '@flagbridge/core/tracking'

/** `segment` prop: a write key to load analytics-next with, or an instance the app already has. */
export type SegmentConfig =
  | {
      writeKey: string
      /** Extra `AnalyticsBrowser.load` settings (`cdnURL`, `cdnSettings`, …). */
      settings?: Record<string, unknown>
      /** `AnalyticsBrowser.load` options (`integrations`, `obfuscate`, …). */
      options?: Record<string, unknown>
    }
  | {
      /**
       * The app's `Analytics` or `AnalyticsBrowser`, or a function creating one: a function is
       * called only once consent is given, so nothing loads before.
       */
      analytics: SegmentSource
    }

type Loaded = Extract<SegmentSource, PromiseLike<unknown>>

// One AnalyticsBrowser per write key for the page, however often providers render.
const loading = new Map<string, Loaded>()

function load(writeKey: string, settings?: Record<string, unknown>, options?: Record<string, unknown>) {
  const existing = loading.get(writeKey)
  if (existing) return existing
  const started: Loaded = import('@segment/analytics-next').then(({ AnalyticsBrowser }) =>
    AnalyticsBrowser.load({ writeKey, ...settings }, options),
  )
  // A failed import or load (offline, blocked chunk, settings down) is not kept: the next need retries.
  // Nothing replaces an entry while it is kept, so the one to drop is this one.
  started.then(undefined, () => loading.delete(writeKey))
  loading.set(writeKey, started)
  return started
}

/**
 * The analytics source for a `segment` prop. A write key gives a function: analytics-next (its
 * own chunk) is imported and loaded only when the destination starts, once consent is given.
 */
export function segmentSource(config: SegmentConfig): SegmentSource {
  if ('analytics' in config) return config.analytics
  const { writeKey, settings, options } = config
  if (typeof writeKey !== 'string' || writeKey.trim() === '')
    return () => {
      throw new FlagBridgeError(
        'INVALID_OPTIONS',
        process.env.NODE_ENV !== 'production'
          ? `segment.writeKey must be your source's write key, got ${JSON.stringify(writeKey) ?? String(writeKey)}: nothing is sent to Segment.`
          : 'segment.writeKey',
      )
    }
  return () => load(writeKey, settings, options)
}
