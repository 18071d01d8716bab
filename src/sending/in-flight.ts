/**
 * How much of a sender's work is released and not finished: a sorted set per credential in Redis
 * (member = message id, score = release time). The dispatcher adds, the send worker removes when
 * a job ends (not when it is only delayed). Entries of a crashed worker age out after STALE_MS;
 * until then they only make the dispatcher release a little less.
 */
import type { Redis } from 'ioredis';
import { inFlightKey } from './keys.js';

const STALE_MS = 120_000;

export async function countInFlight(redis: Redis, prefix: string, credentialId: string): Promise<number> {
  const key = inFlightKey(prefix, credentialId);
  const [, [, count]] = (await redis.multi().zremrangebyscore(key, '-inf', Date.now() - STALE_MS).zcard(key).exec()) as [unknown, [unknown, number]];
  return count;
}

export async function addInFlight(redis: Redis, prefix: string, credentialId: string, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const now = Date.now();
  const key = inFlightKey(prefix, credentialId);
  await redis.multi().zadd(key, ...messageIds.flatMap((id) => [now, id])).pexpire(key, STALE_MS * 2).exec();
}

export async function removeInFlight(redis: Redis, prefix: string, credentialId: string, messageId: string): Promise<void> {
  await redis.zrem(inFlightKey(prefix, credentialId), messageId);
}
