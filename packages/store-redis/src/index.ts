// Public surface of @secmon/store-redis. Every name is exported explicitly (STYLE.md rule 4).

export { RedisStateStore, DEFAULT_REDIS_STATE_STORE_CONFIG } from './RedisStateStore.js';
export type { RedisStateStoreOptions, RedisStateStoreStats } from './RedisStateStore.js';
export { RedisBlockList, DEFAULT_REDIS_BLOCK_LIST_CONFIG } from './RedisBlockList.js';
export type { RedisBlockListOptions } from './RedisBlockList.js';
export { REDIS_CLIENT_DEFAULTS } from './connection.js';
export type { RedisConnection } from './connection.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
