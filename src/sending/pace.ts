/**
 * The per-sender pace (invariant 3), enforced in Redis so it holds across every worker process
 * on every host: a GCRA ("generic cell rate algorithm") schedule of send slots per phone number,
 * plus Meta's pair rate per recipient.
 *
 * Why not BullMQ's limiter: it is per queue (one sender's backlog would stall the others) and
 * releases each window as a burst (up to twice the rate in a sliding second, stack-notes §5).
 * Why not a queue per sender: one blocking Redis connection per sender per process.
 * A reserved slot is at most `horizonMs` ahead; the worker waits for it in-process, so sends
 * leave evenly spaced. Because a send can still leave late (a slow database write, a busy event
 * loop) and bunch up with the next ones, a second check right before the HTTP call is the hard
 * guarantee (`departNow`), below.
 *
 * The hard cap. Meta counts a send when it arrives, some time after it left. So a send counts
 * toward its sender's second from the moment it leaves until a second after Meta has certainly
 * seen it: after its answer came back (`settleDeparture`), or, while there is none, after it left
 * plus a jitter margin. A send may leave only while fewer than `rate` sends count. Then Meta never
 * sees more than `rate` in a second: if it did, the last of them to leave would have found all the
 * others still counting, since each arrived after that second began and was answered after it
 * arrived. When answers come back within the margin this holds whatever the jitter; on a slower
 * link it rests on the arrival jitter staying within the margin. Slots are spaced by a second plus
 * how long answers have recently taken (at most the margin) per `rate` sends, so the cap seldom
 * has to hold a send back.
 *
 * The rate adapts: halved on 130429, then raised 10% of the base every 10 s without throttling
 * until it is back at the base.
 */
import type { Redis } from 'ioredis';
import { luaScript } from '../lib/redis-script.js';
import { senderKeys } from './keys.js';

/**
 * How long a send counts after leaving while its answer is not back: the arrival jitter (between
 * our departure and Meta's clock) that cannot put a second over the limit.
 */
export const JITTER_MARGIN_MS = 50;
/** How fast the recent hold forgets a slow answer: ms of hold per second. */
const HOLD_DECAY_PER_S = 10;
export const RAISE_EVERY_MS = 10_000;
/** Throttle answers within this long of a slow-down count as the same one. */
export const THROTTLE_ONCE_PER_MS = 2_000;
/** Meta's steady pair rate: one message every 6 s per (business number, user) (meta-cloud-api.md §3.2). */
export const PAIR_INTERVAL_MS = 6_000;
/** Meta allows bursts; we allow a few back-to-back messages to one user, then the steady rate. */
export const PAIR_BURST = 3;

/** Lua: the sender's recent hold (KEYS[hold]) decayed to `now`, or nil when unknown. */
const RECENT_HOLD = `
local function recentHold(key, now)
  local held = redis.call('HMGET', key, 'ms', 'at')
  if not held[1] then return nil end
  return math.max(0, tonumber(held[1]) - (now - tonumber(held[2])) * ${HOLD_DECAY_PER_S} / 1000)
end
`;

const ACQUIRE = luaScript(`${RECENT_HOLD}
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
if ARGV[5] == '1' then
  ptat = math.max(tonumber(redis.call('GET', KEYS[3]) or now), now)
  local allowAt = ptat - pairInterval * (pairBurst - 1)
  if allowAt > now then return {1, math.ceil(allowAt - now), 0} end
end
local interval = (1000 + (recentHold(KEYS[4], now) or ${JITTER_MARGIN_MS})) / rate
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = tat - now
if wait > horizon then return {2, math.ceil(wait - horizon), 0} end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(wait + interval) + 60000)
if ARGV[5] == '1' then
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

// Returns {0, now} when the send may leave (and it now counts), else {ms to wait, now}.
const DEPART = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 1000)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + ${JITTER_MARGIN_MS}, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ${(1000 + JITTER_MARGIN_MS) * 2})
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + 1000 - now + 1), now}
`);

// The answer is back: the send stops counting a second after it (never later than the margin
// would have; XX: not at all if it was given back or already stopped), and the sender's recent
// hold takes it in.
const SETTLE = luaScript(`${RECENT_HOLD}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local departedAt = tonumber(ARGV[2])
local hold = math.min(${JITTER_MARGIN_MS}, math.max(0, now - departedAt))
redis.call('ZADD', KEYS[1], 'XX', departedAt + hold, ARGV[1])
redis.call('HSET', KEYS[2], 'ms', math.max(hold, recentHold(KEYS[2], now) or 0), 'at', now)
redis.call('PEXPIRE', KEYS[2], 60000)
return hold
`);

/**
 * The last check before a send leaves: `waitMs` 0 when it may go now (it counts from `at`, Redis
 * time, see above), else how long to wait. Never more than `rate` sends count at once.
 */
export async function departNow(redis: Redis, prefix: string, phoneNumberId: string, rate: number, id: string): Promise<{ waitMs: number; at: number }> {
  const [waitMs, at] = (await DEPART(redis, [senderKeys(prefix, phoneNumberId).departures], [Math.max(1, Math.floor(rate)), id])) as number[];
  return { waitMs, at };
}

/** Gives a recorded departure back (it was not used in time). */
export async function cancelDeparture(redis: Redis, prefix: string, phoneNumberId: string, id: string): Promise<void> {
  await redis.zrem(senderKeys(prefix, phoneNumberId).departures, id);
}

/** Meta answered the send that left at `departedAt` (Redis time): it has arrived, so it stops counting a second from now. Returns its hold (ms). */
export async function settleDeparture(redis: Redis, prefix: string, phoneNumberId: string, id: string, departedAt: number): Promise<number> {
  const keys = senderKeys(prefix, phoneNumberId);
  return Number(await SETTLE(redis, [keys.departures, keys.hold], [id, departedAt]));
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
  // Without a recipient, KEYS[3] is a placeholder (same slot) that the script leaves alone.
  const keyList = [keys.pace, keys.rate, keys.pair(options.to ?? ''), keys.hold];
  const [code, ms, rate] = (await ACQUIRE(redis, keyList,
    [options.baseRate, options.horizonMs ?? 1_000, PAIR_INTERVAL_MS, PAIR_BURST, options.to ? 1 : 0])) as number[];
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
