/**
 * Test sends: the campaign's template to up to five numbers, whatever the campaign's state, with
 * the first recipient's personalisation — not counted in the campaign, not listed with it, and
 * never requeued by retry-failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import type { World } from '../../helpers/world.js';
import { createWorld } from '../../helpers/world.js';
import { type Json } from './helpers.js';

let world: World;
let credentialId: string;
let campaignId: string;

const personal = (name: string) => [{ type: 'body', parameters: [{ type: 'text', text: name }, { type: 'text', text: '15%' }] }];

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
  const created = await world.api('POST', '/v1/campaigns', {
    name: 'Launch', credentialId, template: { name: 'welcome_offer', language: 'en_US' },
    recipients: [{ to: '+4915100000801', components: personal('Ana') }, { to: '+4915100000802', components: personal('Bo') }],
    scheduledAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  });
  campaignId = created.json().id;
});
afterAll(async () => {
  await world?.close();
});

const accepted = (digits: string) => world.sim.requests({ recipient: digits }).filter((request) => request.outcome === 'accepted');

describe('test sends', () => {
  it("sends a scheduled campaign's template now, to the given numbers only, not counted in the campaign", async () => {
    await world.api('POST', '/v1/opt-outs', { phone: '+447700900003' });
    const response = await world.api('POST', `/v1/campaigns/${campaignId}/test`, { to: ['+44 7700 900001', 'call me', '+447700900001', '+447700900003'] });
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect(answer).toEqual({
      id: campaignId,
      messages: [{ id: expect.any(String), to: '447700900001', status: 'queued' }],
      rejected: [{ index: 1, to: 'call me', reason: 'invalid_phone' }, { index: 2, to: '+447700900001', reason: 'duplicate' }, { index: 3, to: '+447700900003', reason: 'opted_out' }],
    });
    await world.waitFor(async () => accepted('447700900001').length === 1, 'the test send');
    const message = (await world.api('GET', `/v1/messages/${answer.messages[0].id}`)).json();
    expect(message).toMatchObject({ campaignId, to: '447700900001', status: expect.stringMatching(/accepted|sent|delivered|read/) });
    const stored = await world.deps.models.Message.findById(answer.messages[0].id, { components: 1, test: 1 }).lean();
    expect(stored).toMatchObject({ test: true, components: personal('Ana') });

    const campaign = (await world.api('GET', `/v1/campaigns/${campaignId}`)).json();
    expect(campaign.status).toBe('scheduled');
    expect(campaign.counts).toMatchObject({ total: 2, queued: 2, accepted: 0, sent: 0, delivered: 0, read: 0 });
    const listed = (await world.api('GET', `/v1/campaigns/${campaignId}/messages`)).json().items;
    expect(listed.map((item: Json) => item.to).sort()).toEqual(['4915100000801', '4915100000802']);
    expect(accepted('4915100000801')).toHaveLength(0);
  });

  it('goes while the campaign is paused; a failed test send is not requeued by retry-failed', async () => {
    await world.api('POST', `/v1/campaigns/${campaignId}/pause`);
    world.sim.addFault({ kind: 'error', recipient: '447700900009', code: 131026, details: 'Receiver is incapable of receiving this message' });
    const answer = (await world.api('POST', `/v1/campaigns/${campaignId}/test`, { to: ['+447700900009'] })).json();
    await world.waitFor(async () => (await world.api('GET', `/v1/messages/${answer.messages[0].id}`)).json().status === 'failed', 'the failed test send');
    const retried = await world.api('POST', `/v1/campaigns/${campaignId}/retry-failed`, { all: true });
    expect(retried.json()).toEqual({ id: campaignId, requeued: 0 });
    expect((await world.api('GET', `/v1/messages/${answer.messages[0].id}`)).json().status).toBe('failed');
    expect((await world.api('GET', `/v1/campaigns/${campaignId}`)).json()).toMatchObject({ status: 'paused', counts: { total: 2, failed: 0 } });
  });

  it('answers 400 for no numbers or more than 5, 404 for another client\'s campaign', async () => {
    expect((await world.api('POST', `/v1/campaigns/${campaignId}/test`, { to: [] })).statusCode).toBe(400);
    const six = await world.api('POST', `/v1/campaigns/${campaignId}/test`, { to: Array.from({ length: 6 }, (_, n) => `+44770090010${n}`) });
    expect(six.statusCode).toBe(400);
    expect(six.json().error.details[0]).toMatchObject({ field: 'to', message: 'must list at most 5 numbers' });
    expect((await world.api('POST', `/v1/campaigns/${campaignId}/test`, { to: ['+447700900100'], note: 'x' })).statusCode).toBe(400);
    const other = await createClientsService(world.deps).createClient('Other');
    const foreign = await world.app.inject({ method: 'POST', url: `/v1/campaigns/${campaignId}/test`, headers: { authorization: `Bearer ${other.apiKey}` }, payload: { to: ['+447700900100'] } });
    expect(foreign.statusCode).toBe(404);
  });
});
