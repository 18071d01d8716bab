/**
 * Invariant 1: MongoDB is the truth, Redis is rebuildable. Redis flushed mid-campaign loses no
 * message and sends none twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisHandle } from '../../support/redis-server.js';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;
// Its own Redis: FLUSHALL must not touch the other test files' state.
let redis: RedisHandle;

beforeAll(async () => {
  redis = await startRedisServer();
  // The production periods (a pass every 15 s, releases repaired after 30 s): the repair must come
  // from noticing that Redis lost its data, not from the next period.
  world = await createWorld({ env: { REDIS_URL: redis.url } });
  credentialId = await world.connectCredential({ messagesPerSecond: 40 });
});
afterAll(async () => {
  await world?.close();
  await redis?.stop();
});

describe('recovery', () => {
  it('Redis FLUSHALL mid-campaign: noticed within seconds; every message still sent, exactly once', async () => {
    const recipients = Array.from({ length: 200 }, (_, n) => ({ to: `+3361${String(2000000 + n)}` }));
    const created = (await world.api('POST', '/v1/campaigns', {
      name: 'flush', credentialId,
      template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
      recipients,
    })).json();
    await world.waitFor(async () => (await world.api('GET', `/v1/campaigns/${created.id}`)).json().counts.queued < 170, 'some progress');

    await world.deps.redis.flushall();

    const done = await world.waitFor(async () => {
      const campaign = (await world.api('GET', `/v1/campaigns/${created.id}`)).json();
      return campaign.status === 'completed' && campaign;
    }, 'completion after the flush', 14_000);
    expect(done.counts.total).toBe(200);
    expect(done.counts.failed).toBe(0);

    const accepted = world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).filter((request) => request.outcome === 'accepted');
    const perRecipient = new Map<string, number>();
    for (const request of accepted) perRecipient.set(request.recipient!, (perRecipient.get(request.recipient!) ?? 0) + 1);
    expect(perRecipient.size).toBe(200);
    expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
  });
});
