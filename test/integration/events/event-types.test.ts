/**
 * Each event type reaches a subscribed endpoint with the contract's payload: message.status for
 * every status a campaign's messages go through, campaign.status for each campaign change,
 * optout.created, message.inbound and credential.status — and an endpoint gets only the types it
 * subscribed to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../helpers/world.js';
import { createEndpoint, createEventsWorld, eventsOf, waitForEvents, type Event } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let world: World;
let credentialId: string;
let all: Receiver;
let onlyOptOuts: Receiver;

beforeAll(async () => {
  world = await createEventsWorld();
  // Far enough apart that each status is processed before the next arrives (a read processed
  // first would rightly make a late delivered a no-op, and no event).
  world.sim.updateWebhookSettings({ statusIntervalMs: 250, flushIntervalMs: 20 });
  credentialId = await world.connectCredential();
  all = await startReceiver();
  onlyOptOuts = await startReceiver();
  await createEndpoint(world, all.url);
  await createEndpoint(world, onlyOptOuts.url, { events: ['optout.created'] });
});
afterAll(async () => {
  await world?.close();
  await all?.close();
  await onlyOptOuts?.close();
});

const ofType = (type: string) => (event: Event) => event.type === type;
const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '10%' }] }] };

describe('event types', () => {
  it('message.status for every status of every message, campaign.status running then completed', async () => {
    const recipients = [{ to: '+5511900000001', ref: 'crm-1' }, { to: '+5511900000002', ref: 'crm-2' }, { to: '+5511900000003' }];
    const created = (await world.api('POST', '/v1/campaigns', { name: 'events', credentialId, template, recipients })).json();
    const events = await waitForEvents(world, all, (list) => list.filter(ofType('message.status')).filter((event) => event.data.status === 'read').length === 3
      && list.some((event) => event.type === 'campaign.status' && event.data.status === 'completed'), 'every status event');

    const statuses = events.filter(ofType('message.status')).filter((event) => event.data.campaignId === created.id);
    const byMessage = new Map<string, string[]>();
    for (const event of statuses) byMessage.set(event.data.messageId, [...(byMessage.get(event.data.messageId) ?? []), event.data.status]);
    expect(byMessage.size).toBe(3);
    for (const sequence of byMessage.values()) expect([...sequence].sort()).toEqual(['accepted', 'delivered', 'read', 'sent']);

    const message = (await world.api('GET', `/v1/campaigns/${created.id}/messages?limit=10`)).json().items.find((item: { ref: string }) => item.ref === 'crm-1');
    const sent = statuses.find((event) => event.data.messageId === message.id && event.data.status === 'sent')!;
    expect(sent.data).toEqual({
      messageId: message.id, campaignId: created.id, ref: 'crm-1', to: '5511900000001', status: 'sent', wamid: message.wamid,
      pricing: { billable: true, pricingModel: expect.any(String), type: 'regular', category: 'marketing' }, at: expect.any(String),
    });
    const noRef = statuses.find((event) => event.data.to === '5511900000003')!;
    expect(noRef.data).not.toHaveProperty('ref');
    expect(noRef.data).not.toHaveProperty('error');

    const campaignEvents = events.filter(ofType('campaign.status')).filter((event) => event.data.campaignId === created.id);
    expect(campaignEvents.map((event) => event.data.status)).toEqual(['running', 'completed']);
    expect(campaignEvents[0].data).toEqual({ campaignId: created.id, status: 'running', counts: expect.objectContaining({ total: 3, queued: 3 }) });
    expect(campaignEvents[1].data.counts).toMatchObject({ total: 3, queued: 0, sending: 0 });
    // Every event has its own id; each message's events are separate events.
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('message.status failed carries Meta\'s error', async () => {
    world.sim.addDeliveryOutcome({ kind: 'fail', recipient: '5511900000009', code: 131026, details: 'Receiver is incapable of receiving this message' });
    const created = (await world.api('POST', '/v1/campaigns', { name: 'fails', credentialId, template, recipients: [{ to: '+5511900000009' }] })).json();
    const events = await waitForEvents(world, all, (list) => list.some((event) => event.type === 'message.status' && event.data.status === 'failed' && event.data.campaignId === created.id), 'the failed status');
    const failed = events.find((event) => event.type === 'message.status' && event.data.status === 'failed' && event.data.campaignId === created.id)!;
    expect(failed.data.error).toEqual({ code: 131026, title: expect.any(String), message: 'Receiver is incapable of receiving this message' });
  });

  it('campaign.status paused carries the reason; cancelled follows', async () => {
    await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: 1 });
    const created = (await world.api('POST', '/v1/campaigns', { name: 'paused', credentialId, template, recipients: Array.from({ length: 20 }, (_, n) => ({ to: `+55119100000${String(n).padStart(2, '0')}` })) })).json();
    await world.api('POST', `/v1/campaigns/${created.id}/pause`);
    await world.api('POST', `/v1/campaigns/${created.id}/cancel`);
    const events = await waitForEvents(world, all, (list) => list.some((event) => event.type === 'campaign.status' && event.data.campaignId === created.id && event.data.status === 'cancelled'), 'the cancellation');
    const sequence = events.filter(ofType('campaign.status')).filter((event) => event.data.campaignId === created.id);
    expect(sequence.map((event) => event.data.status)).toEqual(['running', 'paused', 'cancelled']);
    expect(sequence[1].data.reason).toBe('Paused by the client.');
    expect(sequence[2].data).not.toHaveProperty('reason');
    expect(sequence[2].data.counts.cancelled).toBeGreaterThan(0);
    await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: null });
  });

  it('optout.created from the API and from a STOP; message.inbound for what users write', async () => {
    await world.api('POST', '/v1/opt-outs', { phone: '+44 7700 900123' });
    world.sim.sendInboundMessage({ type: 'text', phoneNumberId: world.seed.phoneNumberId, from: '5511900000077', text: ' stop ' });
    world.sim.sendInboundMessage({ type: 'text', phoneNumberId: world.seed.phoneNumberId, from: '5511900000078', text: 'Hello, is the offer still on?' });
    const events = await waitForEvents(world, all, (list) => list.filter(ofType('optout.created')).length === 2 && list.filter(ofType('message.inbound')).length === 2, 'opt-outs and inbound messages');
    expect(events.filter(ofType('optout.created')).map((event) => event.data).sort((a, b) => a.phone.localeCompare(b.phone))).toEqual([
      { phone: '447700900123', source: 'api' }, { phone: '5511900000077', source: 'inbound_stop' },
    ]);
    const hello = events.filter(ofType('message.inbound')).find((event) => event.data.from === '5511900000078')!;
    expect(hello.data).toEqual({ credentialId, from: '5511900000078', type: 'text', text: 'Hello, is the offer still on?', at: expect.any(String) });
    // The second endpoint subscribed to opt-outs only.
    await world.waitFor(async () => onlyOptOuts.received.length === 2, 'the opt-outs on the second endpoint');
    expect(eventsOf(onlyOptOuts).map((event) => event.type)).toEqual(['optout.created', 'optout.created']);
  });

  it('credential.status when verification finds the token revoked, and when it works again', async () => {
    world.sim.updateToken(world.seed.accessToken, { expired: true });
    expect((await world.api('POST', `/v1/credentials/${credentialId}/verify`)).json().status).toBe('invalid');
    world.sim.updateToken(world.seed.accessToken, { expired: false });
    expect((await world.api('POST', `/v1/credentials/${credentialId}/verify`)).json().status).toBe('connected');
    const events = await waitForEvents(world, all, (list) => list.filter(ofType('credential.status')).length >= 2, 'credential events');
    const changes = events.filter(ofType('credential.status')).map((event) => event.data);
    expect(changes.at(-2)).toEqual({ credentialId, status: 'invalid', lastError: expect.stringContaining('190') });
    expect(changes.at(-1)).toMatchObject({ credentialId, status: 'connected' });
  });
});
