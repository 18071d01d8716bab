/**
 * Status webhooks end to end: the engine sends through the simulator, the simulator posts signed
 * status webhooks back over HTTP, and the event worker moves messages and campaign counters —
 * exactly once per change, whatever the duplication and order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../../src/queues/names.js';
import { createWorld, type World } from '../../helpers/world.js';
import { MARKETING_PRICING, metaBytes, statusItem, statusesEnvelope } from '../../fixtures/meta/index.js';
import { observable, postSigned, seedAcceptedCampaign, settled } from './helpers.js';

let world: World;
let credentialId: string;
let ids: { wabaId: string; phoneNumberId: string };
let nextNumber = 0;
const phone = () => `55119${String(81000000 + nextNumber++)}`;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
  ids = { wabaId: world.seed.wabaId, phoneNumberId: world.seed.phoneNumberId };
});
afterAll(async () => {
  await world?.close();
});

async function runCampaign(recipients: string[]) {
  const created = await world.api('POST', '/v1/campaigns', {
    name: 'Webhook statuses', credentialId,
    template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '10%' }] }] },
    recipients: recipients.map((to) => ({ to: `+${to}` })),
  });
  expect(created.statusCode).toBe(202);
  const id = created.json().id as string;
  await world.waitFor(async () => (await world.api('GET', `/v1/campaigns/${id}`)).json().status === 'completed', 'the campaign to complete');
  await settled(world);
  return id;
}

const campaign = async (id: string) => (await world.api('GET', `/v1/campaigns/${id}`)).json();
const messagesOf = (campaignId: string) => world.deps.models.Message.find({ campaignId }).sort({ _id: 1 }).lean();
const statusesIn = (message: { statusHistory?: Array<{ status?: string | null }> | null }) => (message.statusHistory ?? []).map((entry) => entry.status);

describe('statuses from the simulator', () => {
  it('a campaign ends with every message read, exact counts, history with Meta timestamps, pricing and cost counted once', async () => {
    const id = await runCampaign(Array.from({ length: 30 }, phone));
    const done = await campaign(id);
    expect(done.counts).toEqual({ total: 30, queued: 0, sending: 0, accepted: 0, sent: 0, delivered: 0, read: 30, failed: 0, skipped: 0, cancelled: 0 });
    expect(done.cost).toEqual({ billable: 30, byCategory: { marketing: 30, utility: 0, authentication: 0, service: 0 } });
    for (const message of await messagesOf(id)) {
      expect(statusesIn(message).slice(-3)).toEqual(['sent', 'delivered', 'read']);
      expect(message.readAt!.getTime() % 1000).toBe(0); // Meta's unix seconds
      expect(message.sentAt!.getTime()).toBeLessThanOrEqual(message.deliveredAt!.getTime());
      expect(message.pricing).toEqual({ billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' });
    }
  });

  it('duplicated and reordered webhooks (simulator chaos) change nothing twice', async () => {
    world.sim.updateWebhookSettings({ duplicateFraction: 0.5, reorderFraction: 0.5 });
    try {
      const id = await runCampaign(Array.from({ length: 30 }, phone));
      const done = await campaign(id);
      expect(done.counts).toMatchObject({ total: 30, read: 30, sent: 0, delivered: 0, accepted: 0 });
      expect(done.cost.billable).toBe(30);
      for (const message of await messagesOf(id)) {
        const meta = statusesIn(message).filter((status) => ['sent', 'delivered', 'read'].includes(status!));
        expect(meta).toEqual(['sent', 'delivered', 'read']);
      }
    } finally {
      world.sim.updateWebhookSettings({ duplicateFraction: 0, reorderFraction: 0 });
    }
  });

  it('a lost HTTP answer is settled by its webhook through biz_opaque_callback_data, without a resend', async () => {
    const lost = phone();
    const slow = phone();
    world.sim.addFault({ kind: 'reset', accept: true, recipient: lost, times: 1 });
    world.sim.addFault({ kind: 'timeout', answerAfterMs: 1_500, recipient: slow, times: 1 });
    const id = await runCampaign([lost, slow, phone()]);
    await world.waitFor(async () => (await campaign(id)).counts.read === 3, 'all three to be read');
    for (const to of [lost, slow]) {
      const message = await world.deps.models.Message.findOne({ campaignId: id, to }).lean();
      expect(message).toMatchObject({ status: 'read', attempts: 1, wamid: expect.stringMatching(/^wamid\./) });
      expect(world.sim.requests({ phoneNumberId: ids.phoneNumberId, recipient: to })).toHaveLength(1);
    }
    const reset = await world.deps.models.Message.findOne({ campaignId: id, to: lost }).lean();
    expect(statusesIn(reset!)).toEqual(['queued', 'sending', 'sent', 'delivered', 'read']);
    // The slow answer arrives after the webhooks: it records nothing twice.
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect((await campaign(id)).counts).toMatchObject({ total: 3, read: 3, accepted: 0, sending: 0 });
  });

  it('failed 131026 and 131049 (after sent) keep Meta\'s code, title and details; 131050 opts the recipient out', async () => {
    const [undeliverable, ecosystem, optedOut] = [phone(), phone(), phone()];
    world.sim.addDeliveryOutcome({ kind: 'fail', code: 131026, recipient: undeliverable });
    world.sim.addDeliveryOutcome({ kind: 'fail', code: 131049, afterSent: true, recipient: ecosystem });
    world.sim.addDeliveryOutcome({ kind: 'fail', code: 131050, recipient: optedOut });
    const id = await runCampaign([undeliverable, ecosystem, optedOut, phone()]);
    expect((await campaign(id)).counts).toMatchObject({ total: 4, failed: 3, read: 1 });

    const byRecipient = async (to: string) => (await world.api('GET', `/v1/messages/${(await world.deps.models.Message.findOne({ campaignId: id, to }).lean())!._id}`)).json();
    expect(await byRecipient(undeliverable)).toMatchObject({ status: 'failed', error: { code: 131026, title: 'Message undeliverable', message: 'Message Undeliverable.' } });
    const failedAfterSent = await byRecipient(ecosystem);
    expect(failedAfterSent.error).toMatchObject({ code: 131049, title: expect.stringMatching(/healthy ecosystem/), message: expect.any(String) });
    expect(failedAfterSent.statusHistory.map((entry: { status: string }) => entry.status).slice(-2)).toEqual(['sent', 'failed']);

    const optOuts = (await world.api('GET', '/v1/opt-outs?limit=500')).json().items;
    expect(optOuts).toContainEqual(expect.objectContaining({ phone: optedOut, source: 'meta_131050' }));
    expect(optOuts.map((optOut: { phone: string }) => optOut.phone)).not.toContain(undeliverable);
  });
});

describe('duplicates, replays and order (our own signed payloads)', () => {
  const T = 1_760_000_000;
  const FAILING_FROM = 15;

  /** The statuses Meta would report for message i: sent → delivered → read, or sent → failed. */
  function statusesFor(wamid: string, i: number) {
    const sent = statusItem({ wamid, status: 'sent', at: T + i, pricing: i < FAILING_FROM ? MARKETING_PRICING : undefined });
    if (i >= FAILING_FROM) {
      return [sent, statusItem({ wamid, status: 'failed', at: T + i + 3, error: { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' } })];
    }
    return [sent, statusItem({ wamid, status: 'delivered', at: T + i + 5, pricing: MARKETING_PRICING }), statusItem({ wamid, status: 'read', at: T + i + 10 })];
  }
  const post = (statuses: Array<Record<string, unknown>>) => postSigned(world, metaBytes(statusesEnvelope(statuses, ids)));

  it('the same batch three times, in reverse order, split and shuffled ends exactly like one clean ordered delivery', async () => {
    const clean = await seedAcceptedCampaign(world, credentialId, { count: 20, wamidPrefix: 'CLEAN' });
    const messy = await seedAcceptedCampaign(world, credentialId, { count: 20, wamidPrefix: 'MESSY' });

    expect(await post(clean.messages.flatMap((message, i) => statusesFor(message.wamid, i)))).toBe(200);

    const batch = messy.messages.flatMap((message, i) => statusesFor(message.wamid, i));
    const byStatus = (status: string) => batch.filter((item) => item.status === status);
    // Newest first, each in its own delivery: read and failed, then delivered, then sent.
    expect(await post([...byStatus('read'), ...byStatus('failed')])).toBe(200);
    await settled(world);
    expect(await post(byStatus('delivered'))).toBe(200);
    await settled(world);
    expect(await post(byStatus('sent'))).toBe(200);
    const ordered = metaBytes(statusesEnvelope(batch, ids));
    expect(await Promise.all([postSigned(world, ordered), postSigned(world, ordered), postSigned(world, ordered)])).toEqual([200, 200, 200]);
    expect(await post([...batch].reverse())).toBe(200);
    const shuffled = [...batch].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((item) => post([item])));
    await settled(world);

    const [cleanCampaign, messyCampaign] = await Promise.all([campaign(clean.campaignId), campaign(messy.campaignId)]);
    expect(cleanCampaign.counts).toMatchObject({ total: 20, read: 15, failed: 5, accepted: 0, sent: 0, delivered: 0 });
    expect(messyCampaign.counts).toEqual(cleanCampaign.counts);
    expect(cleanCampaign.cost).toEqual({ billable: 15, byCategory: { marketing: 15, utility: 0, authentication: 0, service: 0 } });
    expect(messyCampaign.cost).toEqual(cleanCampaign.cost);

    const [cleanMessages, messyMessages] = await Promise.all([messagesOf(clean.campaignId), messagesOf(messy.campaignId)]);
    const expected = cleanMessages.map(observable);
    expect(messyMessages.map(observable)).toEqual(expected);
    expect(expected[0].history).toEqual(['queued@-', 'sending@-', 'accepted@-',
      `sent@${new Date(T * 1000).toISOString()}`, `delivered@${new Date((T + 5) * 1000).toISOString()}`, `read@${new Date((T + 10) * 1000).toISOString()}`]);
    expect(expected[FAILING_FROM]).toMatchObject({ status: 'failed', error: { code: 131049 }, history: expect.arrayContaining([expect.stringMatching(/^sent@/), expect.stringMatching(/^failed@/)]) });
  });

  it('a status naming a message not recorded yet is retried, and settles once the message exists', async () => {
    const late = `wamid.LATE_${Date.now()}`;
    expect(await post([statusItem({ wamid: late, status: 'delivered', at: T })])).toBe(200);
    const event = await world.waitFor(async () => {
      const found = await world.deps.models.WebhookEvent.findOne({ body: { $regex: late } }).lean();
      return found && found.attempts >= 1 && found;
    }, 'a first attempt');
    expect(event.status).toBe('pending');
    const seeded = await seedAcceptedCampaign(world, credentialId, { count: 1, wamidPrefix: `LATE_${Date.now()}` });
    await world.deps.models.Message.updateOne({ _id: seeded.messages[0].id }, { $set: { wamid: late } });
    const queue = world.deps.queues[QUEUE.webhookEvents];
    await world.waitFor(async () => {
      const job = await queue.getJob(String(event._id));
      if (job && (await job.isDelayed())) await job.promote();
      return (await world.deps.models.WebhookEvent.findById(event._id).lean())?.status === 'processed';
    }, 'the retry to settle the status');
    expect((await world.deps.models.Message.findById(seeded.messages[0].id).lean())!.status).toBe('delivered');
  });

  it('a status naming an unknown wamid is orphaned after its retries; unknown statuses are unhandled', async () => {
    expect(await post([statusItem({ wamid: 'wamid.NOBODY', status: 'read', at: T })])).toBe(200);
    const queue = world.deps.queues[QUEUE.webhookEvents];
    const orphan = await world.waitFor(async () => {
      const event = await world.deps.models.WebhookEvent.findOne({ body: { $regex: 'wamid.NOBODY' } }).lean();
      const job = event && await queue.getJob(String(event._id));
      if (job && (await job.isDelayed())) await job.promote();
      return event?.status === 'orphaned' && event;
    }, 'the event to be orphaned');
    expect(orphan).toMatchObject({ attempts: 6, summary: { orphaned: 1, applied: 0 }, error: expect.stringMatching(/does not know/) });

    const seeded = await seedAcceptedCampaign(world, credentialId, { count: 1, wamidPrefix: 'PLAYED' });
    expect(await post([statusItem({ wamid: seeded.messages[0].wamid, status: 'played', at: T })])).toBe(200);
    await settled(world);
    const unhandled = await world.deps.models.WebhookEvent.findOne({ body: { $regex: seeded.messages[0].wamid } }).lean();
    expect(unhandled).toMatchObject({ status: 'unhandled', summary: { unhandled: 1 } });
    expect((await world.deps.models.Message.findById(seeded.messages[0].id).lean())!.status).toBe('accepted');
  });
});
