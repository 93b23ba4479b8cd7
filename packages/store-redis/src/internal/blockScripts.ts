// Lua scripts of RedisBlockList. Both keys carry the hash tag `{blocks}` (one cluster slot).

/**
 * Shared block list, one call per block: KEYS[1] = entries (hash: field -> details JSON), KEYS[2] = expiries
 * (sorted set: field -> expiry ms). ARGV: field, details JSON, now ms, requested expiry ms, channel, max entries.
 * Extends an existing block, never shortens it (as `BlockList.block`). Reply: the expiry kept (ms).
 */
export const BLOCK_LUA = `
local field, details, now, exp = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local maxEntries = tonumber(ARGV[6])
local cur = tonumber(redis.call('ZSCORE', KEYS[2], field) or '0')
if cur > now and cur > exp then exp = cur end
local expS = string.format('%.0f', exp)
-- Housekeeping (bounded per call): expired blocks go first, then the ones expiring soonest beyond the cap.
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now), 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
end
redis.call('ZADD', KEYS[2], expS, field)
redis.call('HSET', KEYS[1], field, details)
local over = redis.call('ZCARD', KEYS[2]) - maxEntries
if over > 0 then
  local drop = redis.call('ZRANGE', KEYS[2], 0, math.min(over, 100) - 1)
  redis.call('ZREM', KEYS[2], unpack(drop))
  redis.call('HDEL', KEYS[1], unpack(drop))
end
-- Both keys vanish when the last block has expired.
local lastExp = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
if lastExp then
  redis.call('PEXPIREAT', KEYS[1], lastExp)
  redis.call('PEXPIREAT', KEYS[2], lastExp)
end
redis.call('PUBLISH', ARGV[5], cjson.encode({'b', field, expS, details}))
return expS
`;

/** Lifts a block: KEYS as {@link BLOCK_LUA}; ARGV: field, channel. Reply: 1 when there was one. */
export const UNBLOCK_LUA = `
local n = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({'u', ARGV[1]}))
return n
`;
