/**
 * Meta misbehaving, through real processes (issue 9): the Graph API failing for a while (500s,
 * timeouts, connections reset before and after Meta took the message), a storm of 130429, the
 * access token expiring mid-campaign and being replaced, and webhooks duplicated, reordered and
 * replayed a day later. Each ends with every message read, none lost, none sent twice.
 */
import { createHmac } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_IDS } from '../../src/simulator/sandbox.js';
import { printTailsOnFailure, startStack, type Stack } from '../helpers/stack.js';
import { campaignWhen, expectSentExactlyOnce, progressed, sendCampaign } from './campaign-checks.js';

let stack: Stack;
let credentialId: string;

const sign = (body: string) => `sha256=${createHmac('sha256', SANDBOX_IDS.appSecret).update(body).digest('hex')}`;
const postWebhook = (body: string) => fetch(`${stack.baseUrl}/webhooks/whatsapp`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) }, body,
});
const messagesOf = (campaignId: string) => stack.db.collection('messages').find({ campaignId: new ObjectId(campaignId) }).sort({ _id: 1 });

beforeAll(async () => {
  stack = await startStack();
  credentialId = await stack.connectCredential({ messagesPerSecond: 40 });
}, 120_000);

printTailsOnFailure(() => stack);

afterEach(async () => {
  await stack.sim.admin('DELETE', '/faults');
});

afterAll(async () => {
  await stack?.close();
});

describe('Meta faults mid-campaign', () => {
  it('the Graph API answering 500, timing out and resetting for a while: retried, settled by webhooks, nothing sent twice', async () => {
    const campaign = await sendCampaign(stack, credentialId, 200);
    await progressed(stack, campaign.id, 20);
    const phoneNumberId = SANDBOX_IDS.phoneNumberId;
    const since = Date.now();
    await stack.sim.admin('POST', '/faults', { kind: 'http', status: 500, times: 30, phoneNumberId });
    await stack.sim.admin('POST', '/faults', { kind: 'timeout', answerAfterMs: 16_000, times: 2, phoneNumberId });
    // Reset after Meta took it: must not be sent again. Reset before: must be.
    await stack.sim.admin('POST', '/faults', { kind: 'reset', accept: true, times: 3, phoneNumberId });
    await stack.sim.admin('POST', '/faults', { kind: 'reset', accept: false, times: 3, phoneNumberId });
    await expectSentExactlyOnce(stack, campaign);
    const requests = await stack.sim.admin<Array<{ fault: string | null }>>('GET', `/requests?phoneNumberId=${phoneNumberId}&since=${since}`);
    const faulted: Record<string, number> = {};
    for (const { fault } of requests) if (fault) faulted[fault] = (faulted[fault] ?? 0) + 1;
    expect(faulted).toEqual({ http: 30, timeout: 2, reset: 6 });
  }, 150_000);

  it('a storm of 130429: the number slows down, no attempt is burned, nothing fails', async () => {
    const campaign = await sendCampaign(stack, credentialId, 200);
    await progressed(stack, campaign.id, 20);
    await stack.sim.admin('POST', '/faults', { kind: 'error', code: 130429, times: 40, phoneNumberId: SANDBOX_IDS.phoneNumberId });
    await expectSentExactlyOnce(stack, campaign);
    const attempts = await stack.db.collection('messages').distinct('attempts', { to: { $regex: `^${campaign.prefix}` } });
    expect(attempts).toEqual([1]);
  }, 150_000);

  it('webhooks duplicated and reordered, then replayed a day later: every count, cost and status stays exactly once', async () => {
    await stack.sim.admin('PATCH', '/webhook-settings', { duplicateFraction: 0.5, reorderFraction: 0.5 });
    const campaign = await sendCampaign(stack, credentialId, 200);
    const read = await expectSentExactlyOnce(stack, campaign).finally(() => stack.sim.admin('PATCH', '/webhook-settings', { duplicateFraction: 0, reorderFraction: 0 }));
    // Reordered statuses may still be on their way (a `sent` after the `read`): all of them land
    // before the picture is taken.
    await stack.sim.admin('POST', '/webhooks/wait', { timeoutMs: 30_000 });
    await stack.waitFor(async () => (await stack.db.collection('webhookevents').countDocuments({ status: 'pending' })) === 0, 'the statuses to be processed');
    const done = await campaignWhen(stack, campaign.id, () => true, 'the campaign');
    expect(done.counts).toEqual(read.counts);
    expect(done.cost.billable).toBe(200);
    const before = await messagesOf(campaign.id).project({ status: 1, statusHistory: 1, pricing: 1 }).toArray();
    expect(before).toHaveLength(200);

    // The same bytes again (Meta's retry), and the same updates in new bytes (another delivery).
    const deliveries = (await stack.sim.admin<Array<{ body: string; status: number }>>('GET', '/webhook-deliveries')).filter((delivery) => delivery.status === 200);
    expect(deliveries.length).toBeGreaterThan(5);
    for (const { body } of deliveries) {
      expect((await postWebhook(body)).status).toBe(200);
      expect((await postWebhook(JSON.stringify(JSON.parse(body), null, 1))).status).toBe(200);
    }
    await stack.waitFor(async () => (await stack.db.collection('webhookevents').countDocuments({ status: 'pending' })) === 0, 'the replays to be processed');
    const after = await campaignWhen(stack, campaign.id, () => true, 'the campaign');
    expect(after.counts).toEqual(done.counts);
    expect(after.cost).toEqual(done.cost);
    expect(await messagesOf(campaign.id).project({ status: 1, statusHistory: 1, pricing: 1 }).toArray()).toEqual(before);
  }, 150_000);

  it('an inbound message replayed a day later does not open the 24 h window again', async () => {
    const user = '447702000001';
    await stack.sim.admin('POST', '/inbound-messages', { type: 'text', phoneNumberId: SANDBOX_IDS.phoneNumberId, from: user, text: 'hello' });
    const text = { credentialId, to: `+${user}`, text: 'Thanks for writing!' };
    await stack.waitFor(async () => (await stack.api('POST', '/v1/messages', text)).status === 202, 'the window to open');

    // The same message as Meta would replay it: its own timestamp, a day and an hour old.
    const delivered = (await stack.sim.admin<Array<{ body: string }>>('GET', '/webhook-deliveries')).find((delivery) => delivery.body.includes('"hello"'))!;
    const dayOld = String(Math.floor(Date.now() / 1000) - 25 * 3600);
    const stranger = '447702000002';
    const replay = delivered.body.replaceAll(user, stranger).replace(/"timestamp":"\d+"/g, `"timestamp":"${dayOld}"`);
    expect((await postWebhook(replay)).status).toBe(200);
    await stack.waitFor(async () => (await stack.db.collection('webhookevents').countDocuments({ status: 'pending' })) === 0, 'the replay to be processed');
    const refused = await stack.api('POST', '/v1/messages', { ...text, to: `+${stranger}` });
    expect(refused.status).toBe(422);
  }, 60_000);

  it('the access token expires mid-campaign (190): campaign paused, credential invalid; a new token and a resume finish it', async () => {
    const campaign = await sendCampaign(stack, credentialId, 200);
    await progressed(stack, campaign.id, 20);
    await stack.sim.admin('PATCH', `/tokens/${SANDBOX_IDS.accessToken}`, { expired: true });

    const paused = await campaignWhen(stack, campaign.id, (current) => current.status === 'paused', 'the pause');
    expect(paused.pausedReason).toMatch(/invalid/);
    expect((await stack.api('GET', `/v1/credentials/${credentialId}`)).body).toMatchObject({ status: 'invalid', lastError: expect.stringMatching(/190/) });

    const fresh = 'EAAOCMSandboxAccessToken0000000000000000000000000000000000000002';
    await stack.sim.admin('POST', '/tokens', { token: fresh, appId: SANDBOX_IDS.appId, wabaIds: [SANDBOX_IDS.wabaId] });
    expect((await stack.api('PATCH', `/v1/credentials/${credentialId}`, { accessToken: fresh })).status).toBe(200);
    await stack.waitFor(async () => (await stack.api('GET', `/v1/credentials/${credentialId}`)).body.status === 'connected', 'the new token to be verified');
    expect((await stack.api('POST', `/v1/campaigns/${campaign.id}/resume`)).body.status).toBe('running');
    await expectSentExactlyOnce(stack, campaign);
  }, 150_000);
});
