/**
 * The bytes of webhook bodies one handler is reading at once. A body is read whole
 * before its signature can be checked, so without a bound anyone could make the process buffer
 * as many bodies as connections they open.
 */
export interface BodyBytesInFlight {
  /** The bound, in bytes. */
  readonly limit: number
  /** Books `bytes` more: `false` (nothing booked) when that would pass the bound. */
  take(bytes: number): boolean
  /** Gives back bytes booked with {@link take}. */
  give(bytes: number): void
}

/**
 * Starts a {@link BodyBytesInFlight} of `limit` bytes.
 *
 * @example
 * const inFlight = createBodyBytesInFlight(64 * 1024 * 1024)
 * const bytes = await readBodyBytes(request, maxBodyBytes, inFlight) // booked while it reads
 */
export function createBodyBytesInFlight(limit: number): BodyBytesInFlight {
  let booked = 0
  return {
    limit,
    take(bytes) {
      if (booked + bytes > limit) return false
      booked += bytes
      return true
    },
    give(bytes) {
      booked -= bytes
    },
  }
}
