/**
 * Every class of Meta error, end to end through the simulator (invariant 4): transient errors
 * are retried with backoff, rate limits slow the right scope without burning attempts,
 * recipient errors fail the message, template errors pause the campaign, and account errors
 * mark the credential and pause everything on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;
let sequence = 0;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const nextPhone = () => `+5521${String(980000000 + ++sequence)}`;
const offer = (recipients: string[], extra: Record<string, unknown> = {}) => ({
  name: `errors ${sequence}`,
  credentialId,
  template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
  recipients: recipients.map((to) => ({ to })),
  ...extra,
});

async function messageTo(campaignId: string, to: string) {
  const page = (await world.api('GET', `/v1/campaigns/${campaignId}/messages?limit=500`)).json();
  return page.items.find((message: { to: string }) => `+${message.to}` === to);
}

async function campaignWhen(id: string, predicate: (campaign: Record<string, any>) => boolean, what: string, timeoutMs = 20_000) {
  return world.waitFor(async () => {
    const campaign = (await world.api('GET', `/v1/campaigns/${id}`)).json();
    return predicate(campaign) && campaign;
  }, what, timeoutMs);
}

describe('Meta errors, by class', () => {
  it('transient (131000, HTTP 500 without a body): retried with backoff until accepted', async () => {
    const [a, b] = [nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 131000, recipient: a, times: 2 });
    world.sim.addFault({ kind: 'http', status: 503, recipient: b, times: 1 });
    const campaign = (await world.api('POST', '/v1/campaigns', offer([a, b]))).json();
    await campaignWhen(campaign.id, (current) => current.status === 'completed', 'completion after retries');
    const first = await messageTo(campaign.id, a);
    expect(first).toMatchObject({ status: expect.stringMatching(/accepted|sent|delivered|read/), attempts: 3 });
    expect(first.statusHistory.map((entry: { status: string }) => entry.status).slice(0, 6))
      .toEqual(['queued', 'sending', 'queued', 'sending', 'queued', 'sending']);
    expect((await messageTo(campaign.id, b)).attempts).toBe(2);
  });

  it('per recipient (131026): the message fails with Meta\'s code, title and details; others go on', async () => {
    const [bad, good] = [nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 131026, recipient: bad });
    const campaign = (await world.api('POST', '/v1/campaigns', offer([bad, good]))).json();
    const done = await campaignWhen(campaign.id, (current) => current.status === 'completed', 'completion');
    expect(done.counts).toMatchObject({ total: 2, failed: 1 });
    const failed = await messageTo(campaign.id, bad);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 131026, title: expect.any(String), message: expect.any(String) } });
  });

  it('throughput (130429): the number slows down, the message is retried without burning an attempt', async () => {
    const [a, b, c] = [nextPhone(), nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 130429, recipient: a, times: 2 });
    const campaign = (await world.api('POST', '/v1/campaigns', offer([a, b, c]))).json();
    await campaignWhen(campaign.id, (current) => current.status === 'completed', 'completion');
    const throttled = await messageTo(campaign.id, a);
    expect(throttled.status).not.toBe('failed');
    expect(throttled.attempts).toBe(1);
  });

  it('template rejected (132001): the campaign pauses with a reason; nothing is failed', async () => {
    const recipients = [nextPhone(), nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 132001, recipient: recipients[0] });
    const campaign = (await world.api('POST', '/v1/campaigns', offer(recipients))).json();
    const paused = await campaignWhen(campaign.id, (current) => current.status === 'paused', 'the pause');
    expect(paused.pausedReason).toMatch(/Meta rejected template "welcome_offer" \(en_US\): error 132001/);
    await campaignWhen(campaign.id, (current) => current.counts.sending === 0, 'in-flight to settle');
    const settled = (await world.api('GET', `/v1/campaigns/${campaign.id}`)).json();
    expect(settled.counts.failed).toBe(0);
    expect((await messageTo(campaign.id, recipients[0])).status).toBe('queued');

    world.sim.clearFaults();
    expect((await world.api('POST', `/v1/campaigns/${campaign.id}/resume`)).json().status).toBe('running');
    await campaignWhen(campaign.id, (current) => current.status === 'completed', 'completion after resume');
  });

  it('account (190 mid-campaign): the credential turns invalid, its campaigns pause; a new token and a resume finish the job', async () => {
    const token = 'EAAsecondNumberToken000000000000000000000000001';
    world.sim.upsertPhoneNumber({ id: '200000000000002', wabaId: world.seed.wabaId, displayPhoneNumber: '+1 555-010-0002' });
    world.sim.upsertToken({ token, appId: world.seed.appId, wabaIds: [world.seed.wabaId] });
    const second = await world.connectCredential({ phoneNumberId: '200000000000002', accessToken: token });
    const recipients = [nextPhone(), nextPhone(), nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 190, subcode: 463, phoneNumberId: '200000000000002' });
    const campaign = (await world.api('POST', '/v1/campaigns', { ...offer(recipients), credentialId: second })).json();

    const paused = await campaignWhen(campaign.id, (current) => current.status === 'paused', 'the pause');
    expect(paused.pausedReason).toMatch(/credential .* is invalid: The access token has expired or was revoked/);
    const credential = (await world.api('GET', `/v1/credentials/${second}`)).json();
    expect(credential).toMatchObject({ status: 'invalid', lastError: expect.stringMatching(/Meta error 190\/463/) });
    expect((await world.api('POST', `/v1/campaigns/${campaign.id}/resume`)).statusCode).toBe(409);

    world.sim.clearFaults();
    await world.api('PATCH', `/v1/credentials/${second}`, { accessToken: token });
    await world.waitFor(async () => (await world.api('GET', `/v1/credentials/${second}`)).json().status === 'connected', 'reconnection');
    // A successful verification resumes nothing by itself.
    expect((await world.api('GET', `/v1/campaigns/${campaign.id}`)).json().status).toBe('paused');
    expect((await world.api('POST', `/v1/campaigns/${campaign.id}/resume`)).json().status).toBe('running');
    const done = await campaignWhen(campaign.id, (current) => current.status === 'completed', 'completion');
    expect(done.counts.failed).toBe(0);
    expect(done.counts.total).toBe(4);
  });

  it('retry-failed requeues what is retryable, or everything with all:true', async () => {
    const [a, b] = [nextPhone(), nextPhone()];
    world.sim.addFault({ kind: 'error', code: 131049, recipient: a, times: 1 });
    world.sim.addFault({ kind: 'error', code: 131021, recipient: b, times: 1 });
    const campaign = (await world.api('POST', '/v1/campaigns', offer([a, b]))).json();
    await campaignWhen(campaign.id, (current) => current.status === 'completed' && current.counts.failed === 2, 'two failures');

    const retried = await world.api('POST', `/v1/campaigns/${campaign.id}/retry-failed`, {});
    expect(retried.json()).toEqual({ id: campaign.id, requeued: 1 });
    await campaignWhen(campaign.id, (current) => current.status === 'completed' && current.counts.failed === 1, 'the retry');
    expect((await messageTo(campaign.id, a)).status).not.toBe('failed');

    expect((await world.api('POST', `/v1/campaigns/${campaign.id}/retry-failed`, { all: true })).json().requeued).toBe(1);
    const done = await campaignWhen(campaign.id, (current) => current.status === 'completed' && current.counts.failed === 0, 'the second retry');
    expect(done.counts.total).toBe(2);
  });
});
