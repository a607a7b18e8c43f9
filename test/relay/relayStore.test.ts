// Case 5 of issue 14: the store's operations are atomic and expire, in memory and on a real
// redis-server started for this file. The same contract runs against both.
import { createMemoryRelayStore, type RelayStore } from '@flagbridge/relay'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisRelayStore, type RedisRelayStore } from '../../packages/relay/src/redis/index'
import { type RedisServer, startRedisServer } from './fakes/redisServer'
import { until } from './fakes/until'

let redis: RedisServer
let redisStore: RedisRelayStore

beforeAll(async () => {
  redis = await startRedisServer()
  redisStore = createRedisRelayStore({ url: redis.url, keyPrefix: 'contract:' })
  await redisStore.connect()
})
afterAll(async () => {
  try {
    await redisStore?.close()
  } finally {
    await redis?.stop()
  }
})

const memoryStore = createMemoryRelayStore()
// Functions, since the Redis store exists only once beforeAll ran.
const stores: Array<[string, () => RelayStore]> = [
  ['memory', () => memoryStore],
  ['redis', () => redisStore],
]
let run = 0
const unique = (name: string) => `${name}-${++run}`

describe.each(stores)('RelayStore contract: %s', (_, store) => {
  it('claims atomically: of 20 concurrent claims of one key exactly one wins, with its value', async () => {
    const key = unique('claim')
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store().claim(key, 60_000, `owner-${i}`)),
    )
    expect(wins.filter(Boolean)).toHaveLength(1)
    expect(await store().get(key)).toBe(`owner-${wins.indexOf(true)}`)
  })

  it('lets a claim expire, so a crashed holder frees its key', async () => {
    const key = unique('expiring')
    expect(await store().claim(key, 1000)).toBe(true)
    expect(await store().claim(key, 1000)).toBe(false)
    await until(async () => (await store().get(key)) === undefined, 'the claim to expire')
    expect(await store().claim(key, 60_000)).toBe(true)
  })

  it('sets, reads and deletes', async () => {
    const key = unique('value')
    expect(await store().get(key)).toBeUndefined()
    await store().set(key, 'queued', 60_000)
    expect(await store().get(key)).toBe('queued')
    await store().delete(key)
    expect(await store().get(key)).toBeUndefined()
  })

  it('advances a mark only forward: an older task keeps the newer mark, the same task or a newer one moves it', async () => {
    const key = unique('mark')
    expect(await store().advance(key, { order: 100, id: 't1' }, 60_000)).toEqual({ order: 100, id: 't1' })
    expect(await store().advance(key, { order: 200, id: 't2' }, 60_000)).toEqual({ order: 200, id: 't2' })
    expect(await store().advance(key, { order: 100, id: 't1' }, 60_000)).toEqual({ order: 200, id: 't2' })
    expect(await store().advance(key, { order: 200, id: 't2' }, 60_000)).toEqual({ order: 200, id: 't2' })
    expect(await store().advance(key, { order: 200, id: 't3' }, 60_000)).toEqual({ order: 200, id: 't3' })
    const racing = await Promise.all(
      [300, 500, 400].map((order) => store().advance(key, { order, id: `r${order}` }, 60_000)),
    )
    expect(racing.map((mark) => mark.id)).toContain('r500')
    expect(await store().advance(key, { order: 450, id: 'late' }, 60_000)).toEqual({ order: 500, id: 'r500' })
  })

  it('counts the members of a set once each', async () => {
    const key = unique('set')
    expect(await store().addToSet(key, '2', 60_000)).toBe(1)
    expect(await store().addToSet(key, '2', 60_000)).toBe(1)
    expect(await store().addToSet(key, '1', 60_000)).toBe(2)
  })
})

describe('memory store', () => {
  it('forgets the oldest entries past maxEntries', async () => {
    const store = createMemoryRelayStore({ maxEntries: 2 })
    await store.set('a', '1', 60_000)
    await store.set('b', '2', 60_000)
    await store.set('c', '3', 60_000)
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual([undefined, '2', '3'])
  })
})
