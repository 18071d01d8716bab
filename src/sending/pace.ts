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
 * The hard cap. Meta counts a send when it arrives, some time after it left. A send may leave
 * only while fewer than `rate` sends count, and a send counts from the moment it leaves until a
 * second after Meta has certainly seen it. Then Meta never sees more than `rate` in a second: if
 * it did, the last of them to leave would have found the others still counting, each having
 * arrived after that second began.
 *
 * When has Meta certainly seen a send? Before its answer came back (`settleDeparture`), so an
 * answered send counts until a second after its answer, and one still waiting for its answer
 * counts until it has one. Nothing is assumed about the network or either side's event loops:
 * however a send was delayed on its way, its answer came later. The price is the round trip: on a
 * link where Meta answers in 150 ms, a sender gets about 87% of its allowance (97.5–99% where
 * answers take a few ms). We chose that over trusting a jitter margin, which an event-loop stall
 * here or at Meta defeats, and then 130429 halves the rate. A send that ended without an answer
 * (a timeout, a reset) counts for a jitter margin at most: the only place the cap trusts one.
 *
 * Slots are spaced by a second plus how long sends have recently counted, per `rate` sends, so
 * the cap seldom has to hold a send back.
 *
 * The rate adapts: halved on 130429, then raised 10% of the base every 10 s without throttling
 * until it is back at the base.
 */
import type { Redis } from 'ioredis';
import { luaScript } from '../lib/redis-script.js';
import { GRAPH_TIMEOUT_MS } from '../meta/graph-client.js';
import { senderKeys } from './keys.js';

/** How long a send that ended without an answer counts after leaving, at most. */
export const JITTER_MARGIN_MS = 50;
/** Longest a send counts while unanswered: the Graph API timeout (a crashed worker's sends stop counting then). */
export const UNANSWERED_MS = GRAPH_TIMEOUT_MS;
/**
 * How fast the recent hold forgets a slow answer (ms per second): within its own length. A one-off
 * slow answer is the cap's business; spacing every slot by it would waste the allowance.
 */
const HOLD_DECAY_PER_S = 1_000;
/** The pace follows answers up to this long. */
const PACE_HOLD_MAX_MS = 1_000;
export const RAISE_EVERY_MS = 10_000;
/** Throttle answers within this long of a slow-down count as the same one. */
export const THROTTLE_ONCE_PER_MS = 2_000;
/** Meta's steady pair rate: one message every 6 s per (business number, user) (meta-cloud-api.md §3.2). */
export const PAIR_INTERVAL_MS = 6_000;
/** Meta allows bursts; we allow a few back-to-back messages to one user, then the steady rate. */
export const PAIR_BURST = 3;

/** Lua: how long the sender's sends have recently counted (KEYS[hold]), faded to `now`; nil when unknown. */
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
  redis.call('ZADD', KEYS[1], now + ${UNANSWERED_MS}, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ${(1000 + UNANSWERED_MS) * 2})
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + 1000 - now + 1), now}
`);

// The send ended: it counts until a second after Meta had certainly seen it (see above; XX: not
// at all if it was given back or already stopped), and an answer goes into the sender's recent hold.
const SETTLE = luaScript(`${RECENT_HOLD}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local departedAt = tonumber(ARGV[2])
local took = math.max(0, now - departedAt)
if ARGV[3] ~= '1' then
  local hold = math.min(took, ${JITTER_MARGIN_MS})
  redis.call('ZADD', KEYS[1], 'XX', departedAt + hold, ARGV[1])
  return hold
end
redis.call('ZADD', KEYS[1], 'XX', departedAt + took, ARGV[1])
local usual = math.min(took, ${PACE_HOLD_MAX_MS})
redis.call('HSET', KEYS[2], 'ms', math.max(usual, recentHold(KEYS[2], now) or 0), 'at', now)
redis.call('PEXPIRE', KEYS[2], 60000)
return took
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

/**
 * The send that left at `departedAt` (Redis time) ended: Meta `answered` it (any answer, an error
 * too), or it failed without one. Returns how long after leaving it stops counting (ms, before
 * the second).
 */
export async function settleDeparture(redis: Redis, prefix: string, phoneNumberId: string, id: string, departedAt: number, answered: boolean): Promise<number> {
  const keys = senderKeys(prefix, phoneNumberId);
  return Number(await SETTLE(redis, [keys.departures, keys.hold], [id, departedAt, answered ? 1 : 0]));
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
