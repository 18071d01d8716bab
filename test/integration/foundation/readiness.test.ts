import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisHandle } from '../../support/redis-server.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';

let redis: RedisHandle;
let testApp: TestApp;

beforeAll(async () => {
  redis = await startRedisServer();
  testApp = await buildTestApp({ REDIS_URL: redis.url });
});

afterAll(async () => {
  await testApp?.close();
  await redis?.stop();
});

describe('readiness', () => {
  it('turns 503 naming Redis when Redis stops, and recovers when it is back', async () => {
    expect((await testApp.app.inject('/health/ready')).statusCode).toBe(200);

    await redis.stop();
    const down = await testApp.app.inject('/health/ready');
    expect(down.statusCode).toBe(503);
    const body = down.json();
    expect(body.error.code).toBe('not_ready');
    expect(body.error.message).toBe('Not ready: Redis is not answering.');
    expect(body.error.details).toEqual(expect.arrayContaining([
      expect.objectContaining({ dependency: 'redis', status: 'down' }),
      expect.objectContaining({ dependency: 'mongodb', status: 'up' }),
    ]));
    expect((await testApp.app.inject('/health/live')).statusCode).toBe(200);

    redis = await startRedisServer({ port: redis.port });
    await expect.poll(async () => (await testApp.app.inject('/health/ready')).statusCode, { timeout: 20_000, interval: 200 }).toBe(200);
  });
});
