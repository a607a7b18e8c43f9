import { useRef } from 'react'

/**
 * Returns the previous object while the new one is equal by value, so inline props
 * (`user={{ id: me.id }}`) don't look new on every render.
 */
export function useValueMemo<T>(value: T): T {
  const ref = useRef<{ value: T; json: string | undefined }>(undefined)
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    json = undefined // Cycles: compare by reference; the core reports the bad input.
  }
  const changed =
    !ref.current || (json === undefined ? ref.current.value !== value : ref.current.json !== json)
  if (changed) ref.current = { value, json }
  return ref.current!.value
}
