import type { SegmentSource } from '@flagbridge/core'

/** `segment` prop: a write key to load analytics-next with, or an instance the app already has. */
export type SegmentConfig =
  | {
      writeKey: string
      /** Extra `AnalyticsBrowser.load` settings (`cdnURL`, `cdnSettings`, …). */
      settings?: Record<string, unknown>
      /** `AnalyticsBrowser.load` options (`integrations`, `obfuscate`, …). */
      options?: Record<string, unknown>
    }
  | { analytics: SegmentSource }

// One AnalyticsBrowser per write key for the page, however often providers render.
const loaded = new Map<string, SegmentSource>()

/** The analytics instance for a `segment` prop; loads analytics-next on demand (its own chunk). */
export function segmentSource(config: SegmentConfig): SegmentSource {
  if ('analytics' in config) return config.analytics
  const { writeKey, settings, options } = config
  let source = loaded.get(writeKey)
  if (!source) {
    source = import('@segment/analytics-next').then(({ AnalyticsBrowser }) =>
      AnalyticsBrowser.load({ writeKey, ...settings }, options),
    )
    loaded.set(writeKey, source)
  }
  return source
}
