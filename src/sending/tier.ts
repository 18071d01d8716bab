/**
 * Meta's messaging limit (meta-cloud-api.md §3.4): unique recipients reached outside a
 * customer-service window in a moving 24 h, per business portfolio (per WABA here, since the
 * portfolio id is not readable with a client's token). Tracked in a Redis sorted set: member =
 * recipient, score = last business-initiated send, so "reached in the last 24 h" is a range count.
 */
import type { Redis } from 'ioredis';
import { luaScript } from '../lib/redis-script.js';
import { wabaKeys } from './keys.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

const TIERS: Record<string, number | null> = {
  TIER_50: 50, TIER_250: 250, TIER_1K: 1_000, TIER_2K: 2_000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: null,
};

/** Unique recipients per moving 24 h, or null for unlimited. Unknown or unset tiers get the entry level. */
export function tierLimit(tier: string | null | undefined): number | null {
  if (!tier) return 250;
  const known = TIERS[tier.toUpperCase()];
  if (known !== undefined) return known;
  const match = /^TIER_(\d+)(K?)$/i.exec(tier);
  return match ? Number(match[1]) * (match[2] ? 1000 : 1) : 250;
}

export async function reachedInLastDay(redis: Redis, prefix: string, wabaId: string, now = Date.now()): Promise<number> {
  return redis.zcount(wabaKeys(prefix, wabaId).reached, now - DAY_MS, '+inf');
}

/**
 * Counts the recipient against the tier if it is new in the window. Returns 0 when the send may
 * go, else the milliseconds until a place frees up. One Lua call, so concurrent workers on any
 * number of hosts can never overshoot the limit.
 */
const RESERVE = luaScript(`
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local to = ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ${DAY_MS})
local last = redis.call('ZSCORE', KEYS[1], to)
if last or limit < 0 or redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, to)
  redis.call('PEXPIRE', KEYS[1], ${DAY_MS} + 60000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + ${DAY_MS} - now)
`);

export async function reserveTierPlace(redis: Redis, prefix: string, wabaId: string, to: string, limit: number | null, now = Date.now()): Promise<number> {
  return Number(await RESERVE(redis, [wabaKeys(prefix, wabaId).reached], [now, limit ?? -1, to]));
}
