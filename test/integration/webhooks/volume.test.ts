/**
 * 10,000 status updates for one campaign, shuffled across ten deliveries of 1,000 (Meta's batch
 * maximum) posted at once: the counters end exact, because each change is counted exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';
import { MARKETING_PRICING, metaBytes, statusItem, statusesEnvelope } from '../../fixtures/meta/index.js';
import { postSigned, seedAcceptedCampaign, settled } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const MESSAGES = 4_000;
const T = 1_760_000_000;

/** Message i: sent, then read (i % 4 = 0, 1), delivered (2) or failed (3) — 10,000 statuses in all. */
function statusesFor(wamid: string, i: number) {
  const kind = i % 4;
  const sent = statusItem({ wamid, status: 'sent', at: T, pricing: kind === 3 ? undefined : MARKETING_PRICING });
  if (kind === 3) return [sent, statusItem({ wamid, status: 'failed', at: T + 2, error: { code: 131026, title: 'Message undeliverable' } })];
  const delivered = statusItem({ wamid, status: 'delivered', at: T + 3, pricing: MARKETING_PRICING });
  return kind === 2 ? [sent, delivered] : [sent, delivered, statusItem({ wamid, status: 'read', at: T + 9 })];
}

describe('volume', () => {
  it('10,000 status updates for one campaign, shuffled over 10 deliveries: exact final counts and cost', async () => {
    const seeded = await seedAcceptedCampaign(world, credentialId, { count: MESSAGES, wamidPrefix: 'VOLUME' });
    const statuses = seeded.messages.flatMap((message, i) => statusesFor(message.wamid, i));
    expect(statuses).toHaveLength(10_000);
    statuses.sort(() => Math.random() - 0.5);
    const ids = { wabaId: world.seed.wabaId, phoneNumberId: world.seed.phoneNumberId };
    const bodies = Array.from({ length: 10 }, (_, b) => metaBytes(statusesEnvelope(statuses.slice(b * 1000, (b + 1) * 1000), ids)));

    const started = performance.now();
    expect(await Promise.all(bodies.map((body) => postSigned(world, body)))).toEqual(Array(10).fill(200));
    const answered = performance.now();
    await settled(world, 60_000);
    const processed = performance.now();
    console.log(`10,000 statuses: answered in ${Math.round(answered - started)} ms, processed in ${Math.round(processed - started)} ms`);

    const campaign = (await world.api('GET', `/v1/campaigns/${seeded.campaignId}`)).json();
    expect(campaign.counts).toEqual({ total: MESSAGES, queued: 0, sending: 0, accepted: 0, sent: 0, delivered: 1000, read: 2000, failed: 1000, skipped: 0, cancelled: 0 });
    expect(campaign.cost).toEqual({ billable: 3000, byCategory: { marketing: 3000, utility: 0, authentication: 0, service: 0 } });
    const events = await world.deps.models.WebhookEvent.find({ body: { $regex: 'VOLUME' } }, { status: 1, summary: 1 }).lean();
    expect(events).toHaveLength(10);
    expect(events.reduce((sum, event) => sum + event.summary!.applied! + event.summary!.unchanged!, 0)).toBe(10_000);
  }, 90_000);
});
