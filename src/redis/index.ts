export { createRedisStore, type RedisStore } from './redisStore.js';
export { createSessionPool, type SessionPool, type SessionPoolOptions } from './sessionPool.js';
export { RedisUnavailableError } from './RedisUnavailableError.js';
export type { RedisSharedKey } from './sharedKey.js';
export type { RedisClientLike, RedisConnectionLike, RedisStoreOptions, RedisSubscriberLike } from './types.js';
