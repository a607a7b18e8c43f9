import type { VendorServer } from './vendorServer'

/** A Segment tracking-API event as analytics-next POSTs it to /seg/{t,i,p,…}. */
export interface SegmentEvent {
  type: string
  event?: string
  userId?: string | null
  anonymousId?: string
  messageId: string
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  context?: Record<string, any>
  [field: string]: unknown
}

/** One call heap.js received, as the stand-in loader POSTs it to /heap-record. */
export interface HeapCall {
  page: string
  seq: number
  name: string
  args: any[]
  identity: string | null
  eventProperties: Record<string, unknown>
  cookieSize: number
}

/** Every Segment event POST the server answered with 2xx, in arrival order (retries included). */
export function segmentDeliveries(server: VendorServer): SegmentEvent[] {
  return server
    .of('segment-api')
    .filter((request) => request.status >= 200 && request.status < 300 && request.path !== '/seg/m')
    .map((request) => request.body as SegmentEvent)
}

/** Segment events delivered, one per messageId (what Segment itself would keep). */
export function segmentEvents(server: VendorServer, type?: string): SegmentEvent[] {
  const seen = new Set<string>()
  const events: SegmentEvent[] = []
  for (const event of segmentDeliveries(server)) {
    if (seen.has(event.messageId)) continue
    seen.add(event.messageId)
    if (!type || event.type === type) events.push(event)
  }
  return events
}

/** Feature Flag Evaluated tracks delivered, by messageId. */
export function segmentExposures(server: VendorServer): SegmentEvent[] {
  return segmentEvents(server, 'track').filter((event) => event.event === 'Feature Flag Evaluated')
}

/** Deliveries of a messageId Segment had already accepted. */
export function segmentDuplicates(server: VendorServer): number {
  return segmentDeliveries(server).length - segmentEvents(server).length
}

/** Calls heap.js received, in the order they were made (per page load, by sequence). */
export function heapCalls(server: VendorServer, name?: string): HeapCall[] {
  const pages: string[] = []
  const calls = server.of('heap-record').map((request) => request.body as HeapCall)
  for (const call of calls) if (!pages.includes(call.page)) pages.push(call.page)
  return calls
    .sort((a, b) => pages.indexOf(a.page) - pages.indexOf(b.page) || a.seq - b.seq)
    .filter((call) => !name || call.name === name)
}

/** Heap tracks of the same exposure (identity, flag, value) more than once in one page load. */
export function heapDuplicates(server: VendorServer): number {
  const seen = new Set<string>()
  let duplicates = 0
  for (const call of heapCalls(server, 'track')) {
    const id = JSON.stringify([call.page, call.identity, call.args[0], call.args[1]])
    if (seen.has(id)) duplicates++
    seen.add(id)
  }
  return duplicates
}
