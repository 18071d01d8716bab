/**
 * Redis connections. Producers (API) fail fast so a request answers 503 instead of waiting;
 * BullMQ workers need `maxRetriesPerRequest: null` so blocking commands survive reconnects.
 */
import { Redis } from 'ioredis';
import { withTimeout } from './db/connection.js';

export type RedisRole = 'producer' | 'worker';

export function createRedis(url: string, role: RedisRole): Redis {
  const redis = new Redis(url, role === 'producer'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: true }
    : { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true });
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  redis.on('error', () => {});
  return redis;
}

export async function connectRedis(redis: Redis): Promise<void> {
  await withTimeout(redis.connect(), 10_000, 'Redis did not accept a connection');
}

export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`the connection is ${redis.status}`);
  await withTimeout(redis.ping(), timeoutMs, 'Redis did not answer a ping');
}

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await withTimeout(redis.quit(), 2_000, 'Redis did not acknowledge QUIT');
  } catch {
    redis.disconnect();
  }
}
