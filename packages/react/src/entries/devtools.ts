'use client'

export {
  FlagDebugOverlay,
  type FlagDebugOverlayPosition,
  type FlagDebugOverlayProps,
} from '../devtools/FlagDebugOverlay'
export type { OverlayTab } from '../devtools/OverlayPanel'
export { OVERRIDES_STORAGE_KEY } from '../devtools/overridePersistence'
