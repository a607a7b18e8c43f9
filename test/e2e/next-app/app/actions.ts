'use server'

import { cookies } from 'next/headers'
import { SESSION_COOKIE } from '../lib/users'

export async function signIn(accountId: string) {
  ;(await cookies()).set(SESSION_COOKIE, accountId, { path: '/', httpOnly: true, sameSite: 'lax' })
}

export async function signOut() {
  ;(await cookies()).delete(SESSION_COOKIE)
}
