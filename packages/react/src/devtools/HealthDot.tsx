import type { ConnectionStatus, FlagBridge } from '@flagbridge/core'
import { useMemo } from 'react'
import { useChangeTick } from './useChangeTick'

const WORST_FIRST: readonly ConnectionStatus[] = ['error', 'loading', 'ready']

/** The worst state among the vendors and destinations in use: `off` when there are none. */
export function overallHealth(bridge: FlagBridge): ConnectionStatus | 'off' {
  const states: Array<() => { status: ConnectionStatus } | undefined> = [
    ...(['configcat', 'launchdarkly'] as const).map(
      (provider) => () => bridge.store.vendor(provider)?.state(),
    ),
    ...bridge.tracker.destinations.map((destination) => () => destination.state()),
  ]
  const seen = new Set<ConnectionStatus>()
  for (const state of states) {
    try {
      const status = state()?.status
      if (status) seen.add(status)
    } catch {
      seen.add('error')
    }
  }
  return WORST_FIRST.find((status) => seen.has(status)) ?? 'off'
}

/** The launcher's status dot: red while anything is in error, amber while anything loads. */
export function HealthDot({ bridge }: { bridge: FlagBridge }) {
  const sources = useMemo(() => [bridge.store.subscribeAll, bridge.tracker.subscribeDestinations], [bridge])
  useChangeTick(sources)
  const health = overallHealth(bridge)
  return <span className="dot" data-status={health} aria-hidden="true" title={`FlagBridge: ${health}`} />
}
