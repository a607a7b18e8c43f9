// `@flagbridge/relay/redis`: the shared store for several relay instances (Node, TCP).
export {
  createRedisRelayStore,
  type RedisRelayStore,
  type RedisRelayStoreOptions,
} from './createRedisRelayStore'
