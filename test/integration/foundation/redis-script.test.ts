import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luaScript } from '../../../src/lib/redis-script.js';
import { closeRedis, connectRedis, createRedis } from '../../../src/redis.js';
import { startRedisServer, type RedisHandle } from '../../support/redis-server.js';

let server: RedisHandle;
let redis: ReturnType<typeof createRedis>;

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedis(server.url, 'worker');
  await connectRedis(redis);
});

afterAll(async () => {
  await closeRedis(redis);
  await server?.stop();
});

describe('luaScript', () => {
  it('runs by SHA1, and loads the body again when Redis forgot it (restart, SCRIPT FLUSH)', async () => {
    const incrBy = luaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(await incrBy(redis, ['script-test'], [2])).toBe(2);
    expect(await incrBy(redis, ['script-test'], [3])).toBe(5);
    await redis.script('FLUSH');
    expect(await incrBy(redis, ['script-test'], [1])).toBe(6);
  });

  it('passes script errors through', async () => {
    const broken = luaScript("return redis.call('NOSUCHCOMMAND')");
    await expect(broken(redis, [], [])).rejects.toThrow(/Unknown Redis command|unknown command/i);
  });
});
