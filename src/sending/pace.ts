/**
 * The per-sender pace (invariant 3), enforced in Redis so it holds across every worker process
 * on every host: a GCRA ("generic cell rate algorithm") schedule of send slots per phone number,
 * spaced 1/rate apart, plus Meta's pair rate per recipient.
 *
 * Why not BullMQ's limiter: it is per queue (one sender's backlog would stall the others) and
 * releases each window as a burst (up to twice the rate in a sliding second, stack-notes §5).
 * Why not a queue per sender: one blocking Redis connection per sender per process.
 * A reserved slot is at most `horizonMs` ahead; the worker waits for it in-process, so sends
 * leave evenly spaced. Because a send can still leave late (a slow database write, a busy event
 * loop) and bunch up with the next ones, a second check right before the HTTP call is the hard
 * guarantee: a sliding log of actual departures that never holds more than the rate per window. The rate adapts: halved on 130429, then raised 10% of the base every
 * 10 s without throttling until it is back at the base.
 */
import type { Redis } from 'ioredis';
import { luaScript } from '../lib/redis-script.js';
import { senderKeys } from './keys.js';

/**
 * The hard cap counts departures in a window this much longer than a second, so that up to this
 * much jitter between our departure and Meta's arrival cannot put one second over the limit.
 * The even pace uses the same spacing (window / rate), about 97.6% of the allowance.
 */
export const JITTER_MARGIN_MS = 50;
const WINDOW_MS = 1000 + JITTER_MARGIN_MS;
export const RAISE_EVERY_MS = 10_000;
/** Throttle answers within this long of a slow-down count as the same one. */
export const THROTTLE_ONCE_PER_MS = 2_000;
/** Meta's steady pair rate: one message every 6 s per (business number, user) (meta-cloud-api.md §3.2). */
export const PAIR_INTERVAL_MS = 6_000;
/** Meta allows bursts; we allow a few back-to-back messages to one user, then the steady rate. */
export const PAIR_BURST = 3;

const ACQUIRE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = tonumber(ARGV[1])
local horizon = tonumber(ARGV[2])
local pairInterval = tonumber(ARGV[3])
local pairBurst = tonumber(ARGV[4])
local rate = base
local state = redis.call('HMGET', KEYS[2], 'rate', 'changedAt')
if state[1] then
  rate = math.min(base, tonumber(state[1]))
  if now - tonumber(state[2]) >= ${RAISE_EVERY_MS} then
    rate = math.min(base, rate + base * 0.1)
    if rate >= base then
      redis.call('DEL', KEYS[2])
    else
      redis.call('HSET', KEYS[2], 'rate', rate, 'changedAt', now)
      redis.call('PEXPIRE', KEYS[2], 3600000)
    end
  end
end
local ptat = now
if KEYS[3] then
  ptat = math.max(tonumber(redis.call('GET', KEYS[3]) or now), now)
  local allowAt = ptat - pairInterval * (pairBurst - 1)
  if allowAt > now then return {1, math.ceil(allowAt - now), 0} end
end
local interval = ${WINDOW_MS} / rate
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = tat - now
if wait > horizon then return {2, math.ceil(wait - horizon), 0} end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(wait + interval) + 60000)
if KEYS[3] then
  redis.call('SET', KEYS[3], tostring(ptat + pairInterval), 'PX', math.ceil(ptat + pairInterval - now) + 60000)
end
return {0, math.floor(wait), math.floor(rate * 1000)}
`);

const THROTTLE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base = tonumber(ARGV[1])
local pauseMs = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[2], 'rate', 'changedAt')
local current = tonumber(state[1] or base)
local rate = math.min(current, base)
-- Several sends in flight are often throttled together: that is one signal, not several.
if not state[2] or now - tonumber(state[2]) >= ${THROTTLE_ONCE_PER_MS} then
  rate = math.max(1, rate * tonumber(ARGV[3]))
  redis.call('HSET', KEYS[2], 'rate', rate, 'changedAt', now)
  redis.call('PEXPIRE', KEYS[2], 3600000)
end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now + pauseMs)
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 60000)
return math.floor(rate * 1000)
`);

const DEPART = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ${WINDOW_MS})
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ${WINDOW_MS * 2})
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + ${WINDOW_MS} - now + 1)
`);

/**
 * The last check before a send leaves: 0 when it may go now (and it is recorded), else the
 * milliseconds to wait. Never more than `rate` departures in any window of a second plus margin.
 */
export async function departNow(redis: Redis, prefix: string, phoneNumberId: string, rate: number, id: string): Promise<number> {
  return Number(await DEPART(redis, [senderKeys(prefix, phoneNumberId).departures], [Math.max(1, Math.floor(rate)), id]));
}

/** Gives a recorded departure back (it was not used in time). */
export async function cancelDeparture(redis: Redis, prefix: string, phoneNumberId: string, id: string): Promise<void> {
  await redis.zrem(senderKeys(prefix, phoneNumberId).departures, id);
}

export type PaceDecision =
  | { kind: 'go'; waitMs: number; rate: number }
  /** The recipient's pair rate needs a pause; other recipients may go. */
  | { kind: 'pair'; retryInMs: number }
  /** The sender's schedule is full beyond the horizon. */
  | { kind: 'busy'; retryInMs: number };

export interface PaceOptions {
  baseRate: number;
  horizonMs?: number;
  to?: string;
}

export async function acquireSlot(redis: Redis, prefix: string, phoneNumberId: string, options: PaceOptions): Promise<PaceDecision> {
  const keys = senderKeys(prefix, phoneNumberId);
  const keyList = [keys.pace, keys.rate, ...(options.to ? [keys.pair(options.to)] : [])];
  const [code, ms, rate] = (await ACQUIRE(redis, keyList,
    [options.baseRate, options.horizonMs ?? 1_000, PAIR_INTERVAL_MS, PAIR_BURST])) as number[];
  if (code === 1) return { kind: 'pair', retryInMs: ms };
  if (code === 2) return { kind: 'busy', retryInMs: ms };
  return { kind: 'go', waitMs: ms, rate: rate / 1000 };
}

/** Meta said 130429: halve this sender's rate and hold its schedule for `pauseMs`. Returns the new rate. */
export async function throttleSender(redis: Redis, prefix: string, phoneNumberId: string, baseRate: number, pauseMs: number, factor = 0.5): Promise<number> {
  const keys = senderKeys(prefix, phoneNumberId);
  return Number(await THROTTLE(redis, [keys.pace, keys.rate], [baseRate, pauseMs, factor])) / 1000;
}

/** The rate a sender is held to now (after adaptive slow-downs). */
export async function currentRate(redis: Redis, prefix: string, phoneNumberId: string, baseRate: number): Promise<number> {
  const stored = await redis.hget(senderKeys(prefix, phoneNumberId).rate, 'rate');
  return stored ? Math.min(baseRate, Number(stored)) : baseRate;
}
