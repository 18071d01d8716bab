import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const phone = (n: number) => `+55119${String(90000000 + n)}`;
const offer = (recipients: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  name: 'Spring promo',
  credentialId,
  template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'friend' }, { type: 'text', text: '10%' }] }] },
  recipients,
  ...extra,
});

async function campaignWhen(id: string, predicate: (campaign: Record<string, any>) => boolean, what: string) {
  return world.waitFor(async () => {
    const campaign = (await world.api('GET', `/v1/campaigns/${id}`)).json();
    return predicate(campaign) && campaign;
  }, what, 30_000);
}

describe('a campaign from request to Meta', () => {
  it('screens recipients, sends each one once with "+" and our id, and completes with exact counts', async () => {
    await world.api('POST', '/v1/opt-outs', { phone: phone(3) });
    const recipients = [
      ...Array.from({ length: 40 }, (_, n) => ({ to: phone(n), ref: `r${n}` })),
      { to: 'not a phone' },
      { to: phone(1).replace('+', '00') },
      { to: `${phone(2).slice(0, 4)} ${phone(2).slice(4, 8)}-${phone(2).slice(8)}` },
      { to: phone(5), components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '50%' }] }] },
    ];
    const response = await world.api('POST', '/v1/campaigns', offer(recipients));
    expect(response.statusCode).toBe(202);
    const accepted = response.json();
    expect(accepted).toMatchObject({
      id: expect.any(String), status: 'running',
      counts: { total: 39, queued: 39, sending: 0, accepted: 0, failed: 0 },
      estimate: { messagesPerSecond: 80, tierRemaining: expect.any(Number), secondsToComplete: 1, completesAt: expect.any(String), warnings: [] },
    });
    expect(accepted.rejected).toEqual([
      { index: 3, to: phone(3), reason: 'opted_out' },
      { index: 40, to: 'not a phone', reason: 'invalid_phone' },
      { index: 41, to: phone(1).replace('+', '00'), reason: 'duplicate' },
      { index: 42, to: expect.any(String), reason: 'duplicate' },
      { index: 43, to: phone(5), reason: 'duplicate' },
    ]);

    const done = await campaignWhen(accepted.id, (campaign) => campaign.status === 'completed', 'completion');
    expect(done.counts).toMatchObject({ total: 39, queued: 0, sending: 0, failed: 0 });
    expect(done.counts.accepted + done.counts.sent + done.counts.delivered + done.counts.read).toBe(39);
    expect(done.completedAt).toEqual(expect.any(String));

    const requests = world.sim.requests({ phoneNumberId: world.seed.phoneNumberId });
    const recipientsSeen = requests.filter((request) => request.outcome === 'accepted').map((request) => request.recipient);
    expect(new Set(recipientsSeen).size).toBe(39);
    expect(recipientsSeen).toHaveLength(39);
    expect(recipientsSeen).not.toContain(phone(3).slice(1));

    const listed = await world.api('GET', `/v1/campaigns/${accepted.id}/messages?limit=500`);
    expect(listed.statusCode).toBe(200);
    const messages = listed.json();
    expect(messages.items).toHaveLength(39);
    expect(messages.nextCursor).toBeNull();
    const first = messages.items.find((message: { ref: string }) => message.ref === 'r0');
    expect(first).toMatchObject({ to: phone(0).slice(1), wamid: expect.stringMatching(/^wamid\./), attempts: 1, campaignId: accepted.id });
    expect(first.statusHistory.map((entry: { status: string }) => entry.status).slice(0, 3)).toEqual(['queued', 'sending', 'accepted']);
  });

  it('answers 422 for a template that is not approved, unknown, or given the wrong parameters', async () => {
    const paused = await world.api('POST', '/v1/campaigns', { ...offer([{ to: phone(1) }]), template: { name: 'spring_sale', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: '1' }] }] } });
    expect(paused.statusCode).toBe(422);
    expect(paused.json().error.message).toMatch(/is PAUSED; only APPROVED templates can be sent/);

    const unknown = await world.api('POST', '/v1/campaigns', { ...offer([{ to: phone(1) }]), template: { name: 'welcome_offer', language: 'de_DE' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toMatch(/not in this credential's catalogue\. It exists in en_US, pt_BR/);

    const wrongCount = await world.api('POST', '/v1/campaigns', offer([{ to: phone(1) }, { to: phone(2), components: [{ type: 'body', parameters: [{ type: 'text', text: 'only one' }] }] }]));
    expect(wrongCount.statusCode).toBe(422);
    expect(wrongCount.json().error.details[0]).toMatchObject({ field: 'recipients.1.components', message: expect.stringMatching(/takes 2 parameters, but 1 is given/) });
    expect(await world.deps.models.Message.countDocuments({ to: phone(2).slice(1), campaignId: { $exists: true } })).toBe(1);
  });

  it('dry run: counts, rejections and an estimate, nothing stored', async () => {
    const before = await world.deps.models.Message.countDocuments();
    const response = await world.api('POST', '/v1/campaigns', offer([{ to: phone(100) }, { to: 'x' }], { dryRun: true }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ counts: { total: 1 }, rejected: [{ index: 1, reason: 'invalid_phone' }], estimate: { messagesPerSecond: 80 } });
    expect(await world.deps.models.Message.countDocuments()).toBe(before);
  });

  it('Idempotency-Key: same key and body → the first answer; another body → 409; scoped per client', async () => {
    const headers = { 'idempotency-key': 'promo-2026-11-25' };
    const body = offer([{ to: phone(200) }, { to: phone(201) }]);
    const [a, b] = await Promise.all([world.api('POST', '/v1/campaigns', body, headers), world.api('POST', '/v1/campaigns', body, headers)]);
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(b.json().id).toBe(a.json().id);
    const again = await world.api('POST', '/v1/campaigns', body, headers);
    expect(again.json()).toEqual(a.json());
    expect(await world.deps.models.Campaign.countDocuments({ _id: a.json().id })).toBe(1);
    expect(await world.deps.models.Message.countDocuments({ to: phone(200).slice(1) })).toBe(1);

    const conflict = await world.api('POST', '/v1/campaigns', offer([{ to: phone(202) }]), headers);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('idempotency_conflict');
  });

  it('pause stops sending within a second, resume continues, cancel settles what is left; illegal moves are 409', async () => {
    await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: 5 });
    const created = (await world.api('POST', '/v1/campaigns', offer(Array.from({ length: 60 }, (_, n) => ({ to: phone(300 + n) }))))).json();
    await campaignWhen(created.id, (campaign) => campaign.counts.total - campaign.counts.queued - campaign.counts.sending >= 3, 'some sends');

    const paused = await world.api('POST', `/v1/campaigns/${created.id}/pause`);
    expect(paused.json()).toEqual({ id: created.id, status: 'paused' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const sentSoFar = (counts: Record<string, number>) => counts.accepted + counts.sent + counts.delivered + counts.read + counts.failed;
    const atPause = sentSoFar((await world.api('GET', `/v1/campaigns/${created.id}`)).json().counts);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const later = (await world.api('GET', `/v1/campaigns/${created.id}`)).json();
    expect(later.status).toBe('paused');
    expect(later.pausedReason).toBe('Paused by the client.');
    expect(sentSoFar(later.counts)).toBe(atPause);
    expect((await world.api('POST', `/v1/campaigns/${created.id}/pause`)).statusCode).toBe(409);

    expect((await world.api('POST', `/v1/campaigns/${created.id}/resume`)).json().status).toBe('running');
    await campaignWhen(created.id, (campaign) => sentSoFar(campaign.counts) >= atPause + 3, 'progress after resume');

    const cancelled = await world.api('POST', `/v1/campaigns/${created.id}/cancel`);
    expect(cancelled.json()).toEqual({ id: created.id, status: 'cancelled' });
    const final = await campaignWhen(created.id, (campaign) => campaign.counts.sending === 0, 'in-flight sends to settle');
    expect(final.counts.queued).toBe(0);
    const reachedMeta = final.counts.accepted + final.counts.sent + final.counts.delivered + final.counts.read;
    expect(final.counts.cancelled + reachedMeta, JSON.stringify(final.counts)).toBe(60);
    expect(final.counts.cancelled).toBeGreaterThan(0);
    expect((await world.api('POST', `/v1/campaigns/${created.id}/resume`)).statusCode).toBe(409);
    await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: null });
  });

  it('lists campaigns by status with cursor paging', async () => {
    const page = (await world.api('GET', '/v1/campaigns?status=cancelled&limit=1')).json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0].status).toBe('cancelled');
    const all = (await world.api('GET', '/v1/campaigns?limit=2')).json();
    expect(all.nextCursor).toEqual(expect.any(String));
    const next = (await world.api('GET', `/v1/campaigns?limit=2&cursor=${all.nextCursor}`)).json();
    expect(next.items[0].id).not.toBe(all.items[0].id);
  });
});

describe('single messages', () => {
  it('sends a template message and reports it', async () => {
    const response = await world.api('POST', '/v1/messages', {
      credentialId, to: phone(900),
      template: { name: 'order_update', language: 'en_US', components: [
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Ana' }, { type: 'text', parameter_name: 'order_id', text: 'A-1' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
      ] },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ id: expect.any(String), status: 'queued' });
    const message = await world.waitFor(async () => {
      const current = (await world.api('GET', `/v1/messages/${response.json().id}`)).json();
      return current.status === 'accepted' && current;
    }, 'the message to be accepted');
    expect(message).toMatchObject({ campaignId: null, credentialId, to: phone(900).slice(1), wamid: expect.stringMatching(/^wamid\./), attempts: 1 });
  });

  it('refuses free-form text outside the 24 h window with 422', async () => {
    const response = await world.api('POST', '/v1/messages', { credentialId, to: phone(901), text: 'hello' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.message).toMatch(/within 24 hours/);
  });

  it('answers 409 when the credential is not connected, 404 when it is not yours', async () => {
    const pending = (await world.api('POST', '/v1/credentials', { wabaId: world.seed.wabaId, phoneNumberId: '200000000000444', accessToken: 'EAAnotConnectedYet000000000000000000000' })).json();
    await world.deps.models.Credential.updateOne({ _id: pending.id }, { $set: { status: 'invalid', lastError: 'The access token has expired.' } });
    const blocked = await world.api('POST', '/v1/messages', { credentialId: pending.id, to: phone(902), template: { name: 'welcome_offer', language: 'en_US' } });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.message).toMatch(/is invalid, so nothing can be sent through it\./);
    const missing = await world.api('POST', '/v1/messages', { credentialId: 'aaaaaaaaaaaaaaaaaaaaaaaa', to: phone(902), template: { name: 'welcome_offer', language: 'en_US' } });
    expect(missing.statusCode).toBe(404);
  });
});
