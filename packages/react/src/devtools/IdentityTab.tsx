import {
  type AnalyticsDestination,
  type FlagBridge,
  type FlagBridgeUser,
  toConfigCatUser,
  toLaunchDarklyContext,
} from '@flagbridge/core'
import { type ReactNode, useMemo } from 'react'
import { formatValue } from './formatValue'
import { useChangeTick } from './useChangeTick'

/** What the overlay shows instead of a private attribute's value. */
export const MASK = '•••'

/** Copies `record` with the named fields (and those inside `nested`) replaced by {@link MASK}. */
function mask(record: object, hidden: ReadonlySet<string>, nested?: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record }
  for (const name of Object.keys(copy)) if (hidden.has(name)) copy[name] = MASK
  const inner = nested ? copy[nested] : undefined
  if (nested && inner && typeof inner === 'object') copy[nested] = mask(inner, hidden)
  return copy
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  )
}

const Json = ({ value }: { value: unknown }) => <pre className="json">{formatValue(value, 2)}</pre>

function describeIdentify(destination: AnalyticsDestination, user: FlagBridgeUser | undefined) {
  if (!user) return undefined
  try {
    // describe() is pure: the exact payload identify sends (private attributes already left out).
    return destination.describe({ kind: 'identify', user })?.payload
  } catch {
    return undefined
  }
}

/** The current user as ConfigCat, LaunchDarkly, Segment and Heap each see it; private attributes masked. */
export function IdentityTab({ bridge }: { bridge: FlagBridge }) {
  const sources = useMemo(
    () => [bridge.store.subscribeAll, bridge.log.subscribe, bridge.tracker.subscribeDestinations],
    [bridge],
  )
  useChangeTick(sources)
  // Read after the tick: the destinations arrive with the tracking chunk.
  const { destinations } = bridge.tracker
  const user = bridge.user()
  const hidden = new Set(user?.privateAttributes)

  return (
    <>
      <Section title="FlagBridge user">
        {user ? <Json value={mask(user, hidden, 'attributes')} /> : <p className="meta">Anonymous visitor</p>}
        {user?.privateAttributes?.length ? (
          <p className="meta">Private (never sent to analytics): {user.privateAttributes.join(', ')}</p>
        ) : null}
      </Section>
      <Section title="ConfigCat user">
        {user ? (
          <Json value={mask(toConfigCatUser(user), hidden, 'custom')} />
        ) : (
          <p className="meta">No user (default user cleared)</p>
        )}
      </Section>
      <Section title="LaunchDarkly context">
        <Json value={mask(toLaunchDarklyContext(user), hidden)} />
      </Section>
      {destinations.map((destination) => {
        let identity: unknown
        try {
          identity = destination.identity?.()
        } catch {}
        const payload = describeIdentify(destination, user)
        return (
          <Section key={destination.name} title={`${destination.name} identity`}>
            {identity !== undefined && <Json value={identity} />}
            {payload !== undefined ? (
              <>
                <p className="meta">identify payload</p>
                <Json value={payload} />
              </>
            ) : (
              <p className="meta">{user ? 'Not identified yet' : 'Anonymous (reset)'}</p>
            )}
          </Section>
        )
      })}
    </>
  )
}
