/**
 * Where the demo vendors live: `stand-in` when Storybook's dev server (or the story test's
 * server) answers the vendors' endpoints itself; `embedded` in a static build, where the
 * SDKs run offline. A static build ships `vendor-mode.json` saying so; the stand-in
 * answers the same path first.
 */
export type VendorMode = 'stand-in' | 'embedded'

let detected: Promise<VendorMode> | undefined

export function detectVendorMode(): Promise<VendorMode> {
  detected ??= fetch(new URL('vendor-mode.json', window.location.href), { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : { standIn: false }))
    .then((body: { standIn?: boolean }) => (body.standIn ? ('stand-in' as const) : ('embedded' as const)))
    .catch(() => 'embedded' as const)
  return detected
}
