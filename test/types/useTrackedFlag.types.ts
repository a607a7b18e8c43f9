// Type tests for useTrackedFlag, checked by `pnpm typecheck` (tsc over test/): a wrong type
// here fails the build. Never called at run time (hooks need a provider).
import { type TrackedFlag, useTrackedFlag } from '@flagbridge/react'
import type { Ref } from 'react'
import { expectTypeOf } from 'vitest'

interface Layout {
  columns: number
  dense?: boolean
}

export function typeChecks() {
  // Booleans, text and numbers: the default's type, widened.
  expectTypeOf(useTrackedFlag('new-checkout', false).value).toEqualTypeOf<boolean>()
  expectTypeOf(useTrackedFlag('banner', 'Hello').value).toEqualTypeOf<string>()
  expectTypeOf(useTrackedFlag('limit', 3).value).toEqualTypeOf<number>()

  // JSON without a named type: unknown (only the kind is checked at run time).
  expectTypeOf(useTrackedFlag('maybe', null).value).toEqualTypeOf<unknown>()
  expectTypeOf(useTrackedFlag('layout', { columns: 2 }).value).toEqualTypeOf<unknown>()
  expectTypeOf(useTrackedFlag('list', ['a']).value).toEqualTypeOf<unknown>()

  // JSON with a named type (interfaces too, which have no index signature).
  expectTypeOf(useTrackedFlag<Layout>('layout', { columns: 2 }).value).toEqualTypeOf<Layout>()
  expectTypeOf(useTrackedFlag<string[]>('list', []).value).toEqualTypeOf<string[]>()
  expectTypeOf(useTrackedFlag<Layout | null>('layout', null).value).toEqualTypeOf<Layout | null>()
  // @ts-expect-error the default must be of the named type
  useTrackedFlag<Layout>('layout', { rows: 2 })

  // Options may be left out, or null (a forwarded optional prop).
  expectTypeOf(useTrackedFlag('x', true, null)).toEqualTypeOf<TrackedFlag<boolean>>()
  // @ts-expect-error not a vendor
  useTrackedFlag('x', true, { source: 'optimizely' })

  // Exposure modes: the same return shape, with a ref to attach and expose() to call.
  const visible = useTrackedFlag('promo', false, { expose: 'visible', threshold: 0.25, minVisibleMs: 500 })
  expectTypeOf(visible).toEqualTypeOf<TrackedFlag<boolean>>()
  expectTypeOf(visible.ref).toExtend<Ref<HTMLDivElement>>()
  expectTypeOf(useTrackedFlag('menu', 'a', { expose: 'manual' }).expose).toEqualTypeOf<() => void>()
  // @ts-expect-error not an exposure mode
  useTrackedFlag('x', true, { expose: 'scroll' })
}
