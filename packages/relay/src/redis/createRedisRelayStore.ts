import { createClient, type RedisClientOptions } from 'redis'
import { positiveNumber } from '../config/requireOption'
import { RelayStoreError } from '../errors'
import { decodeMark, encodeMark, type RelayStore } from '../store/relayStore'

/** Options of {@link createRedisRelayStore}. */
export interface RedisRelayStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  url?: string
  /** More `createClient` options (a unix socket `socket.path`, TLS, credentials). */
  client?: RedisClientOptions
  /** Prefix of every key. Default `flagbridge:`. */
  keyPrefix?: string
  /** How long one command may take before the webhook answers 503. Default 1 s. */
  commandTimeoutMs?: number
  /** Timeout of one connection attempt. Default 2 s. */
  connectTimeoutMs?: number
  /** Connection errors the client reports while it reconnects. Default `console.error`. */
  onError?: (error: unknown) => void
}

/** A {@link RelayStore} on Redis, with its connection's life cycle. */
export interface RedisRelayStore extends RelayStore {
  /** Resolves once connected; rejects after `connectTimeoutMs` (use it at start-up). */
  connect(): Promise<void>
  /** Closes the connection. */
  close(): Promise<void>
}

// advance: keep the stored mark when it is another task with a strictly later order, as
// isNewerMark does; otherwise store the candidate. Returns the mark in force. One script, so
// the read and the write are atomic.
const ADVANCE = `
local stored = redis.call('GET', KEYS[1])
if stored then
  local at = string.find(stored, ':', 1, true)
  local order = tonumber(string.sub(stored, 1, at - 1))
  local id = string.sub(stored, at + 1)
  local candidate = tonumber(ARGV[1])
  if id ~= ARGV[2] and order > candidate then
    return stored
  end
end
local mark = ARGV[1] .. ':' .. ARGV[2]
redis.call('SET', KEYS[1], mark, 'PX', ARGV[3])
return mark
`
const ADD_TO_SET = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('SCARD', KEYS[1])
`

/**
 * A {@link RelayStore} on Redis (node-redis), for several relay instances: claims are
 * `SET key value NX PX ttl`, marks and sets are Lua scripts, so every operation is atomic.
 *
 * Every command is bounded: the client fails at once while disconnected (no offline queue), and a
 * command Redis does not answer within `commandTimeoutMs` rejects (node-redis's own command
 * timeout stops counting once a command is written, so a hung server would otherwise hold the
 * webhook). A rejected operation is a `RelayStoreError`: the handler answers 503 and applies
 * nothing. The client reconnects by itself.
 *
 * @example
 * import { createRedisRelayStore } from '@flagbridge/relay/redis'
 * const store = createRedisRelayStore({ url: process.env.REDIS_URL })
 * await store.connect()
 * const heap = createHeapWebhookHandler({ ..., store })
 */
export function createRedisRelayStore(options: RedisRelayStoreOptions = {}): RedisRelayStore {
  const owner = 'createRedisRelayStore'
  const commandTimeoutMs = positiveNumber(options.commandTimeoutMs, owner, 'commandTimeoutMs', 1000)
  const connectTimeoutMs = positiveNumber(options.connectTimeoutMs, owner, 'connectTimeoutMs', 2000)
  const prefix = options.keyPrefix ?? 'flagbridge:'
  const onError = options.onError ?? ((error: unknown) => console.error(error))
  const client = createClient({
    ...options.client,
    ...(options.url ? { url: options.url } : {}),
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
      ...options.client?.socket,
      connectTimeout: connectTimeoutMs,
    } as RedisClientOptions['socket'],
  })
  client.on('error', onError)
  let connecting: Promise<unknown> | undefined
  const startConnecting = () => {
    connecting ??= client.connect().catch((error: unknown) => {
      connecting = undefined
      onError(error)
    })
    return connecting
  }

  const bounded = async <T>(what: string, ms: number, command: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RelayStoreError(`Redis did not answer ${what} within ${ms} ms.`)),
        ms,
      )
    })
    try {
      return await Promise.race([command(), timeout])
    } catch (error) {
      if (error instanceof RelayStoreError) throw error
      throw new RelayStoreError(`Redis refused ${what}: ${(error as Error)?.message ?? error}`, {
        cause: error,
      })
    } finally {
      clearTimeout(timer)
    }
  }
  const run = <T>(what: string, command: () => Promise<T>): Promise<T> => {
    void startConnecting()
    return bounded(what, commandTimeoutMs, command)
  }
  const key = (name: string) => `${prefix}${name}`

  return {
    async claim(name, ttlMs, value = '1') {
      const reply = await run('SET NX', () =>
        client.set(key(name), value, {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.ceil(ttlMs) },
        }),
      )
      return reply === 'OK'
    },
    async get(name) {
      return (await run('GET', () => client.get(key(name)))) ?? undefined
    },
    async set(name, value, ttlMs) {
      await run('SET', () =>
        client.set(key(name), value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) } }),
      )
    },
    async delete(name) {
      await run('DEL', () => client.del(key(name)))
    },
    async advance(name, mark, ttlMs) {
      const stored = await run('EVAL advance', () =>
        client.eval(ADVANCE, {
          keys: [key(name)],
          arguments: [String(mark.order), mark.id, String(Math.ceil(ttlMs))],
        }),
      )
      return stored === encodeMark(mark) ? mark : decodeMark(String(stored))
    },
    async addToSet(name, member, ttlMs) {
      const size = await run('EVAL addToSet', () =>
        client.eval(ADD_TO_SET, { keys: [key(name)], arguments: [member, String(Math.ceil(ttlMs))] }),
      )
      return Number(size)
    },
    async connect() {
      if (client.isReady) return
      await bounded('the connection', connectTimeoutMs, async () => {
        await startConnecting()
        if (!client.isReady) throw new Error('not connected')
      })
    },
    async close() {
      if (client.isOpen) client.destroy()
    },
  }
}
