// The README's way to load the overlay, verbatim (test/budget/readme.test.ts keeps the two identical).
import { lazy, Suspense } from 'react'

const FlagDebugOverlay =
  process.env.NODE_ENV === 'production'
    ? () => null
    : lazy(() => import('@flagbridge/react/devtools').then((m) => ({ default: m.FlagDebugOverlay })))

export function Devtools() {
  return (
    <Suspense fallback={null}>
      <FlagDebugOverlay />
    </Suspense>
  )
}
