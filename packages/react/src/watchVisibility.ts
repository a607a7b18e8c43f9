/** When an element counts as seen: `threshold` of it (or of the viewport) in view for `minVisibleMs`. */
export interface VisibilityOptions {
  /** The share of the element (0–1) that must be in view; default 0.5. */
  threshold: number
  /** How long it must stay in view, in ms; default 1,000. */
  minVisibleMs: number
}

/** 50% of the element for one second: the IAB/MRC viewability standard for display ads. */
export const DEFAULT_VISIBILITY: VisibilityOptions = { threshold: 0.5, minVisibleMs: 1_000 }

/** Whether this browser can tell (jsdom, very old browsers and the server can't). */
export function canWatchVisibility(): boolean {
  return typeof IntersectionObserver === 'function'
}

/** In view enough: `threshold` of the element, or, for an element larger than the viewport, of the viewport. */
function isInView(entry: IntersectionObserverEntry, threshold: number): boolean {
  if (!entry.isIntersecting) return false
  if (entry.intersectionRatio >= threshold) return true
  const root = entry.rootBounds
  const shown = entry.intersectionRect
  return (
    !!root &&
    root.width * root.height > 0 &&
    shown.width * shown.height >= threshold * root.width * root.height
  )
}

/**
 * Calls `onSeen` once, when `element` has been in view (see {@link VisibilityOptions}) for
 * `minVisibleMs` without leaving it, in a tab that stayed visible, then stops watching. Returns what stops watching earlier.
 * Needs `IntersectionObserver` ({@link canWatchVisibility}).
 */
export function watchVisibility(
  element: Element,
  { threshold, minVisibleMs }: VisibilityOptions,
  onSeen: () => void,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let inView = false
  // Seen means on screen: a hidden tab (another tab, a minimized window) stops the clock.
  const pageShown = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'
  const update = () => {
    if (inView && pageShown()) {
      timer ??= setTimeout(() => {
        stop()
        onSeen()
      }, minVisibleMs)
    } else {
      clearTimeout(timer)
      timer = undefined
    }
  }
  const stop = () => {
    clearTimeout(timer)
    observer.disconnect()
    document.removeEventListener('visibilitychange', update)
  }
  // Steps of 10% as well: an element taller than the viewport never crosses `threshold` of itself.
  const thresholds = [...new Set([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, threshold])]
  const observer = new IntersectionObserver(
    (entries) => {
      const entry = entries[entries.length - 1]
      inView = !!entry && isInView(entry, threshold)
      update()
    },
    { threshold: thresholds.sort((a, b) => a - b) },
  )
  observer.observe(element)
  document.addEventListener('visibilitychange', update)
  return stop
}
