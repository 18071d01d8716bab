/**
 * The dispatcher's to-do list of credentials with messages to release. Losing it (Redis
 * flushed) loses nothing: the reconciler rebuilds it from MongoDB every minute. A generation
 * counter closes the race between "nothing left here" and a campaign created at that moment.
 */
import type { Redis } from 'ioredis';
import { activeSendersKey } from './keys.js';

const generationKey = (prefix: string) => `${activeSendersKey(prefix)}:generation`;

export async function markSenderActive(redis: Redis, prefix: string, credentialId: string): Promise<void> {
  await redis.multi().sadd(activeSendersKey(prefix), credentialId).incr(generationKey(prefix)).exec();
}

export async function activeSenders(redis: Redis, prefix: string): Promise<string[]> {
  return redis.smembers(activeSendersKey(prefix));
}

export async function senderGeneration(redis: Redis, prefix: string): Promise<string> {
  return (await redis.get(generationKey(prefix))) ?? '0';
}

/** Removes the sender unless anything was marked active since `generation` was read. */
export async function markSenderIdleIfUnchanged(redis: Redis, prefix: string, credentialId: string, generation: string): Promise<void> {
  await redis.eval(
    "if (redis.call('GET', KEYS[2]) or '0') == ARGV[2] then return redis.call('SREM', KEYS[1], ARGV[1]) end return 0",
    2, activeSendersKey(prefix), generationKey(prefix), credentialId, generation,
  );
}
