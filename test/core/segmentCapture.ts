import { type Analytics, AnalyticsBrowser, type Context, type SegmentEvent } from '@segment/analytics-next'

/**
 * The real @segment/analytics-next, without network: Segment.io is switched off and a
 * destination plugin captures every event exactly as a destination would receive it.
 */
export function loadCapturedSegment() {
  const captured: SegmentEvent[] = []
  const capture = async (ctx: Context) => {
    captured.push(structuredClone(ctx.event))
    return ctx
  }
  const plugin = {
    name: 'FlagBridge test capture',
    type: 'destination' as const,
    version: '1.0.0',
    isLoaded: () => true,
    load: async () => {},
    track: capture,
    identify: capture,
    page: capture,
    alias: capture,
    group: capture,
    screen: capture,
  }
  const browser = AnalyticsBrowser.load(
    // Inline settings without Segment.io: no settings request, no delivery request.
    { writeKey: 'test', cdnSettings: { integrations: {} } as never, plugins: [plugin] },
    { integrations: { 'Segment.io': false } },
  )
  const ready: Promise<Analytics> = browser.then(([analytics]) => analytics)
  return { browser, ready, captured }
}
