// Type tests for <TrackedFlag>, checked by `pnpm typecheck`. Never rendered.
import { TrackedFlag } from '@flagbridge/react'
import { expectTypeOf } from 'vitest'

export const checks = [
  <TrackedFlag key="a" flagKey="promo" default={false} expose="visible" as="section" className="promo">
    {(flag) => {
      expectTypeOf(flag.value).toEqualTypeOf<boolean>()
      expectTypeOf(flag).toEqualTypeOf<TrackedFlag<boolean>>()
      return null
    }}
  </TrackedFlag>,
  <TrackedFlag key="b" flagKey="menu" default="a" expose="manual">
    {({ value, expose }) => {
      expectTypeOf(value).toEqualTypeOf<string>()
      return <button type="button" onClick={expose} />
    }}
  </TrackedFlag>,
  // @ts-expect-error children must be a render function
  <TrackedFlag key="c" flagKey="x" default={1}>
    text
  </TrackedFlag>,
]
