/** Rows rendered at first and per "Show more": long lists stay fast without windowing. */
export const PAGE_SIZE = 100

export function ShowMore({
  total,
  limit,
  onMore,
  what,
}: {
  total: number
  limit: number
  onMore: () => void
  what: string
}) {
  if (total <= limit) return null
  return (
    <button type="button" className="btn" onClick={onMore}>
      Show {Math.min(PAGE_SIZE, total - limit)} more {what} ({total - limit} hidden)
    </button>
  )
}
