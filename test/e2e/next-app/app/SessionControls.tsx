'use client'

import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useEffect, useTransition } from 'react'
import { signIn } from './actions'

export function SessionControls() {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  useEffect(() => {
    document.body.dataset.hydrated = 'true'
  }, [])
  return (
    <nav data-pending={String(pending)}>
      <Link href="/second" data-testid="to-second">
        Second page
      </Link>
      <Link href="/" data-testid="to-home">
        Home
      </Link>
      <button type="button" data-testid="refresh" onClick={() => router.refresh()}>
        Refresh
      </button>
      <button
        type="button"
        data-testid="sign-in-bob"
        onClick={() =>
          startTransition(async () => {
            await signIn('bob')
            router.refresh()
          })
        }
      >
        Sign in as Bob
      </button>
    </nav>
  )
}
