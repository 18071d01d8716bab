/**
 * A client endpoint that accepts connections and never answers must not slow the send path nor
 * fill Redis: a 10,000-message campaign runs with and without such an endpoint subscribed to its
 * 10,000 message.status events. The figures are printed; only the outcome is asserted (every
 * message sent, deliveries waiting in MongoDB, Redis holding at most a handful of them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../../src/queues/names.js';
import type { World } from '../../helpers/world.js';
import { createEndpoint, createEventsWorld } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

const MESSAGES = 10_000;

let world: World;
let credentialId: string;
let silent: Receiver;

beforeAll(async () => {
  world = await createEventsWorld({ runtime: { events: { timeoutMs: 3_000 } } });
  // A fast number with room for the whole campaign; Meta reports no statuses, so sends are all that is measured.
  world.sim.updatePhoneNumber(world.seed.phoneNumberId, { throughput: { level: 'HIGH' }, messagingLimitTier: 'TIER_100K' });
  world.sim.updateWebhookSettings({ finalStatus: 'none' });
  credentialId = await world.connectCredential({ messagesPerSecond: 1000 });
  silent = await startReceiver({ kind: 'hang' });
}, 60_000);
afterAll(async () => {
  await world?.close();
  await silent?.close();
});

/** Like world.waitFor, but looking every 250 ms: the polls must not load the MongoDB being measured. */
async function poll<T>(probe: () => Promise<T | false>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '5%' }] }] };

describe('a dead endpoint', () => {
  it('does not slow a 10,000-message campaign nor fill Redis', async () => {
    const { EventDelivery } = world.deps.models;
    const queue = world.deps.queues[QUEUE.outboundEvents];
    const recipients = Array.from({ length: MESSAGES }, (_, n) => ({ to: `+551197${String(n).padStart(7, '0')}` }));
    const t0 = performance.now();
    const created = await world.api('POST', '/v1/campaigns', { name: 'dead endpoint', credentialId, template, recipients });
    expect(created.statusCode).toBe(202);
    const sent = async () => (await world.api('GET', `/v1/campaigns/${created.json().id}`)).json();
    let maxJobsInRedis = 0;
    /** Waits until `count` messages were accepted by Meta; returns when that happened. */
    const reach = (count: number) => poll(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      maxJobsInRedis = Math.max(maxJobsInRedis, Object.values(counts).reduce((sum, n) => sum + n, 0));
      const campaign = await sent();
      return campaign.counts.accepted >= count && { at: performance.now(), campaign };
    }, `${count} sends`, 120_000);

    // The same campaign measured over 2,500 sends before and 2,500 after the dead endpoint subscribes.
    const a0 = await reach(500);
    const a1 = await reach(3_000);
    const endpoint = await createEndpoint(world, silent.url, { events: ['message.status'] });
    const b0 = await reach(3_500);
    const b1 = await reach(6_000);
    const done = await poll(async () => {
      const campaign = await sent();
      return campaign.status === 'completed' && campaign;
    }, 'completion', 120_000);
    expect(done.counts.accepted).toBe(MESSAGES);

    const pending = await world.waitFor(async () => {
      const count = await EventDelivery.countDocuments({ endpointId: endpoint.id, status: { $in: ['pending', 'queued'] } });
      // Every message accepted after the endpoint subscribed has its event (the campaign's counters lag a little).
      return count >= MESSAGES - 5_000 && count;
    }, 'the deliveries to be written');
    const inFlight = await EventDelivery.countDocuments({ endpointId: endpoint.id, status: 'queued' });
    const rate = (from: { at: number; campaign: any }, to: { at: number; campaign: any }) =>
      Math.round((to.campaign.counts.accepted - from.campaign.counts.accepted) / ((to.at - from.at) / 1000));
    console.log([
      `10,000-message campaign: ${rate(a0, a1)} sends/s without endpoints, ${rate(b0, b1)} sends/s with a never-answering endpoint subscribed to message.status`,
      `500, 3,000 (endpoint subscribes), 3,500 and 6,000 sends reached after ${[a0, a1, b0, b1].map((point) => ((point.at - t0) / 1000).toFixed(1)).join(', ')} s; completed after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      `deliveries waiting in MongoDB: ${pending}; in the queue now: ${inFlight}; most outbound-event jobs in Redis at once: ${maxJobsInRedis}; requests the endpoint got: ${silent.received.length}`,
    ].join('\n'));
    expect(maxJobsInRedis).toBeLessThanOrEqual(20);
    expect(inFlight).toBeLessThanOrEqual(20);
  }, 180_000);
});
