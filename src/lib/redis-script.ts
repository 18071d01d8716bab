/**
 * A Lua script called by its SHA1 (EVALSHA). EVAL sends the whole body and Redis hashes it again
 * on every call, and the send path runs several scripts per message. The body goes over the wire
 * only when Redis does not know the script (first use, a restart, SCRIPT FLUSH, another cluster
 * node): EVAL then runs it and caches it for the next EVALSHA.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LuaScript = (redis: Redis, keys: string[], args: Array<string | number>) => Promise<unknown>;

export function luaScript(body: string): LuaScript {
  const sha = createHash('sha1').update(body).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(body, keys.length, ...keys, ...args);
    }
  };
}
