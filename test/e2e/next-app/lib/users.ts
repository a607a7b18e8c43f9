import type { FlagBridgeUser } from '@flagbridge/react'

/** The app's sessions: a cookie holds the signed-in account's id. */
const ACCOUNTS: Record<string, { id: string; email: string; name: string; plan: string }> = {
  ada: { id: 'ada', email: 'ada@example.com', name: 'Ada', plan: 'pro' },
  bob: { id: 'bob', email: 'bob@example.com', name: 'Bob', plan: 'free' },
}

export const SESSION_COOKIE = 'session'

/**
 * The one mapping from the app's session to FlagBridge's user, used by the server (to evaluate
 * flags) and handed as is to the client provider: both sides evaluate for the same user.
 */
export function toFlagBridgeUser(sessionId: string | undefined): FlagBridgeUser | undefined {
  const account = sessionId ? ACCOUNTS[sessionId] : undefined
  if (!account) return undefined
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    attributes: { plan: account.plan },
    privateAttributes: ['email'],
  }
}
