/**
 * A short lease in Redis that makes a piece of work single-threaded across processes (one release
 * per sender, one move per endpoint). SET NX with an expiry takes it, so a crashed holder frees it
 * by itself; only the holder's own token may release it early, never a later holder's lease.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript } from './redis-script.js';

const release = luaScript("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

/** Runs `work` holding the lease `key`; answers `whenHeld` at once if another holder has it. */
export async function withRedisLock<T>(redis: Redis, key: string, ttlMs: number, work: () => Promise<T>, whenHeld: T): Promise<T> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return whenHeld;
  try {
    return await work();
  } finally {
    await release(redis, [key], [token]);
  }
}
