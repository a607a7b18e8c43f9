import type { FlagValue } from '@flagbridge/core/engine'
import { createElement, type HTMLAttributes, type ReactNode } from 'react'
import {
  type TrackedFlag as TrackedFlagResult,
  type UseTrackedFlagOptions,
  useTrackedFlag,
  type Widen,
} from './useTrackedFlag'

/** What `useTrackedFlag` (and `<TrackedFlag>`'s render function) receives: value, state, `ref`, `expose`. */
export type TrackedFlag<T> = TrackedFlagResult<T>

export interface TrackedFlagProps<D extends FlagValue>
  extends UseTrackedFlagOptions,
    Omit<HTMLAttributes<HTMLElement>, 'children' | 'default'> {
  flagKey: string
  default: D
  /** Renders the flag; `expose` is there for `expose: 'manual'`. */
  children: (flag: TrackedFlagResult<Widen<D>>) => ReactNode
  /** `expose: 'visible'`: the element wrapped around what `children` renders, watched for visibility. Default `'div'`. */
  as?: 'div' | 'span' | 'section' | 'aside' | 'li' | 'article'
}

/**
 * `useTrackedFlag` as a component, for places where a hook or a ref is awkward (a list item, a
 * server component's child). With `expose="visible"` it wraps its children in an element (`as`,
 * default `div`, other props go on it) and sends the exposure once that element has been in view;
 * otherwise it renders only what `children` returns.
 *
 * @example
 * <TrackedFlag flagKey="promo-banner" default={false} expose="visible">
 *   {({ value }) => (value ? <NewPromo /> : <OldPromo />)}
 * </TrackedFlag>
 *
 * @example
 * <TrackedFlag flagKey="menu-new-item" default={false} expose="manual">
 *   {({ value, expose }) => <Menu onOpen={expose}>{value && <NewItem />}</Menu>}
 * </TrackedFlag>
 */
export function TrackedFlag<D extends FlagValue>({
  flagKey,
  default: defaultValue,
  children,
  as = 'div',
  source,
  track,
  expose,
  threshold,
  minVisibleMs,
  exposures,
  ...rest
}: TrackedFlagProps<D>) {
  const flag = useTrackedFlag(flagKey, defaultValue, {
    source,
    track,
    expose,
    threshold,
    minVisibleMs,
    exposures,
  })
  const shown = children(flag as TrackedFlagResult<Widen<D>>)
  if (expose !== 'visible') return shown
  return createElement(as, { ...rest, ref: flag.ref }, shown)
}
