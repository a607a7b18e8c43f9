import * as React from 'react'

type Dispatcher = { useState?: unknown; useEffect?: unknown }
type ReactInternals = {
  // React 19: the hooks dispatcher.
  __CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE?: { H?: Dispatcher | null }
  // React 18: the same, under its older name.
  __SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED?: {
    ReactCurrentDispatcher?: { current?: Dispatcher | null }
  }
}

/**
 * Whether React is rendering a function component right now (`undefined` when this React
 * doesn't say). Nothing public tells, so this reads React's hooks dispatcher: while a function
 * component renders it is a real one; otherwise it is `null` or the dispatcher whose every hook
 * throws "Invalid hook call" (one function for all hooks). Same on React 18 and 19.
 */
export function isRendering(): boolean | undefined {
  const internals = React as unknown as ReactInternals
  const react19 = internals.__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE
  const react18 = internals.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED?.ReactCurrentDispatcher
  const holder =
    react19 && 'H' in react19 ? react19.H : react18 && 'current' in react18 ? react18.current : undefined
  if (holder === undefined) return undefined
  return holder !== null && typeof holder.useState === 'function' && holder.useState !== holder.useEffect
}
