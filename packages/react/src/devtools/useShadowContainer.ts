import { useEffect, useState } from 'react'

/** The tag of the element that hosts the overlay's shadow root (its styles live inside). */
export const OVERLAY_HOST_TAG = 'flagbridge-devtools'

/**
 * Appends a host element to `document.body`, attaches an open shadow root with `styles`,
 * and returns the element to portal into. `null` until mounted (and always on the server).
 */
export function useShadowContainer(styles: string): HTMLElement | null {
  const [container, setContainer] = useState<HTMLElement | null>(null)
  useEffect(() => {
    const host = document.createElement(OVERLAY_HOST_TAG)
    // Zero-size and fixed, so the host takes no room in the page's layout.
    host.style.cssText = 'position:fixed;top:0;left:0;width:0;height:0;z-index:2147483647'
    const shadow = host.attachShadow({ mode: 'open' })
    const style = document.createElement('style')
    style.textContent = styles
    const mount = document.createElement('div')
    shadow.append(style, mount)
    document.body.appendChild(host)
    setContainer(mount)
    return () => {
      host.remove()
      setContainer(null)
    }
  }, [styles])
  return container
}
