/**
 * Invariant 8: Redis holds work in proportion to throughput, not to campaign size. A 5,000-message
 * campaign on a 20 mps number never has more than about two seconds of its sending in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential({ messagesPerSecond: 20 });
});
afterAll(async () => {
  await world?.close();
});

describe('the dispatcher window', () => {
  it('keeps send jobs in Redis bounded by the number\'s rate while a large campaign waits in MongoDB', async () => {
    const created = (await world.api('POST', '/v1/campaigns', {
      name: 'large', credentialId,
      template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
      recipients: Array.from({ length: 5_000 }, (_, n) => ({ to: `+4479${String(20000000 + n)}` })),
    })).json();
    expect(created.counts.total).toBe(5_000);

    let most = 0;
    const until = Date.now() + 4_000;
    while (Date.now() < until) {
      const counts = await world.deps.queues.send.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      most = Math.max(most, Object.values(counts).reduce((sum, n) => sum + n, 0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const progressed = (await world.api('GET', `/v1/campaigns/${created.id}`)).json().counts;
    expect(progressed.queued).toBeGreaterThan(4_800);
    // Two seconds at 20 mps, plus what may finish between two dispatcher ticks.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(45);
    await world.api('POST', `/v1/campaigns/${created.id}/cancel`);
  });
});
