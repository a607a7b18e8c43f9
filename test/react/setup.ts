import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

// React only batches act() updates when this is set.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

afterEach(() => {
  cleanup()
  // The SSR suite runs in Node, where there is no storage.
  if (typeof localStorage !== 'undefined') localStorage.clear()
  if (typeof sessionStorage !== 'undefined') sessionStorage.clear()
})
