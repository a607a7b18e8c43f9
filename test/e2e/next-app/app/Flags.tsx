'use client'

import { useTrackedFlag } from '@flagbridge/react'

/** Reads one flag of each vendor; every render's values are logged for the suite. */
export function Flags() {
  const checkout = useTrackedFlag('new-checkout', false)
  const banner = useTrackedFlag('banner-text', 'default banner')
  if (typeof window !== 'undefined') {
    window.__renders ??= []
    window.__renders.push(
      { key: 'new-checkout', value: checkout.value, hydrated: document.body.dataset.hydrated === 'true' },
      { key: 'banner-text', value: banner.value, hydrated: document.body.dataset.hydrated === 'true' },
    )
  }
  return (
    <ul>
      <li
        data-testid="new-checkout"
        data-value={JSON.stringify(checkout.value)}
        data-source={checkout.source}
      >
        checkout={String(checkout.value)}
      </li>
      <li data-testid="banner-text" data-value={JSON.stringify(banner.value)} data-source={banner.source}>
        banner={banner.value}
      </li>
    </ul>
  )
}
