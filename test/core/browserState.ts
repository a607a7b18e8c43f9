/**
 * What a page leaves behind for the next one in jsdom: Web Storage, cookies (analytics-next's
 * ajs_* ids) and `window.heap`. Tests that stand for separate visits clear it after each test.
 */
export function clearBrowserState() {
  localStorage.clear()
  sessionStorage.clear()
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0]!.trim()
    // biome-ignore lint/suspicious/noDocumentCookie: jsdom has no Cookie Store API
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
  delete (globalThis as { heap?: unknown }).heap
}
