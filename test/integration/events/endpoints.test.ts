/**
 * Webhook endpoints (contract §3, "Events for client systems"): registration with a secret shown
 * once, listing without it, deletion, the test event — signed so that an independent HMAC
 * computation verifies it — and the delivery log with attempts, answers and the next retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import type { World } from '../../helpers/world.js';
import { createEndpoint, createEventsWorld, eventsOf, signatureMatches } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let world: World;
let receiver: Receiver;

beforeAll(async () => {
  world = await createEventsWorld();
  receiver = await startReceiver();
});
afterAll(async () => {
  await world?.close();
  await receiver?.close();
});

describe('webhook endpoints', () => {
  it('creates an endpoint: 201 with its secret once; lists and gets it without the secret', async () => {
    const created = await world.api('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'CRM' });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/), url: receiver.url, description: 'CRM', secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      events: ['message.status', 'message.inbound', 'campaign.status', 'credential.status', 'optout.created'], createdAt: expect.any(String),
    });
    const listed = await world.api('GET', '/v1/webhook-endpoints');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().nextCursor).toBeNull();
    expect(listed.body).not.toContain(endpoint.secret);
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(endpoint.id);
    const one = await world.api('GET', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(one.json()).toMatchObject({ id: endpoint.id, url: receiver.url, consecutiveFailures: 0 });
    expect(one.body).not.toContain(endpoint.secret);
    const stored = await world.deps.models.WebhookEndpoint.findById(endpoint.id).select('+secret').lean();
    expect(JSON.stringify(stored)).not.toContain(endpoint.secret);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.com/hook' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://user:pass@example.com/hook' }, 'url'],
      [{ url: receiver.url, events: ['message.sent'] }, 'events.0'],
      [{ url: receiver.url, events: [] }, 'events'],
      [{ url: receiver.url, secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const response = await world.api('POST', '/v1/webhook-endpoints', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.details.map((detail: { field: string }) => detail.field), JSON.stringify(body)).toContain(field);
    }
  });

  it('keeps clients apart: another client gets 404 for it and does not list it', async () => {
    const endpoint = await createEndpoint(world, receiver.url);
    const other = await createClientsService(world.deps).createClient('Other client');
    const asOther = (method: 'GET' | 'DELETE' | 'POST', url: string) => world.app.inject({ method, url, headers: { authorization: `Bearer ${other.apiKey}` } });
    expect((await asOther('GET', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);
    expect((await asOther('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);
    expect((await asOther('POST', `/v1/webhook-endpoints/${endpoint.id}/test`)).statusCode).toBe(404);
    expect((await asOther('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).statusCode).toBe(404);
    expect((await asOther('GET', '/v1/webhook-endpoints')).json().items).toEqual([]);
  });

  it('sends a signed test event: OCM-Event-Id and OCM-Signature verify with an independent HMAC', async () => {
    const endpoint = await createEndpoint(world, receiver.url);
    const before = receiver.received.length;
    const sent = await world.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ eventId: expect.stringMatching(/^evt_/), deliveryId: expect.any(String), status: 'pending' });
    await world.waitFor(async () => receiver.received.length > before, 'the test event');
    const request = receiver.received[before];
    const event = JSON.parse(request.body);
    expect(event).toEqual({ id: sent.json().eventId, type: 'endpoint.test', createdAt: expect.any(String), data: { endpointId: endpoint.id, message: expect.any(String) } });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['ocm-event-id']).toBe(event.id);
    expect(signatureMatches(request, endpoint.secret)).toBe(true);
    expect(signatureMatches(request, `${endpoint.secret}x`)).toBe(false);
    expect(signatureMatches({ ...request, body: request.body.replace('test', 'tost') }, endpoint.secret)).toBe(false);
    const t = Number(/t=(\d+)/.exec(String(request.headers['ocm-signature']))![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(10);

    const log = await world.waitFor(async () => {
      const page = (await world.api('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).json();
      return page.items[0]?.status === 'delivered' && page;
    }, 'the delivery to be recorded');
    expect(log.items[0]).toMatchObject({
      id: sent.json().deliveryId, eventId: event.id, type: 'endpoint.test', status: 'delivered', attempts: 1, nextRetryAt: null,
      answers: [{ statusCode: 200, body: 'ok', error: null, durationMs: expect.any(Number), at: expect.any(String) }],
      event: { id: event.id, type: 'endpoint.test' },
    });
  });

  it('retries with exponential backoff until the receiver recovers, and shows each answer', async () => {
    const flaky = await startReceiver();
    try {
      flaky.answer({ kind: 'status', status: 500, body: 'boom' }, { kind: 'status', status: 502 }, { kind: 'status', status: 503, body: 'x'.repeat(5000) }, { kind: 'status', status: 204 });
      const endpoint = await createEndpoint(world, flaky.url);
      const { deliveryId } = (await world.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`)).json();
      const delivered = await world.waitFor(async () => {
        const page = (await world.api('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).json();
        return page.items.find((item: { id: string; status: string }) => item.id === deliveryId && item.status === 'delivered');
      }, 'delivery after recovery');
      expect(delivered.attempts).toBe(4);
      expect(delivered.answers.map((answer: { statusCode: number }) => answer.statusCode)).toEqual([500, 502, 503, 204]);
      expect(delivered.answers[0]).toMatchObject({ body: 'boom', error: 'HTTP 500: only a 2xx answer counts as delivered' });
      expect(delivered.answers[2].body).toHaveLength(1024);
      const gaps = flaky.received.slice(1).map((request, i) => request.at - flaky.received[i].at);
      console.log(`retry gaps (first delay 100 ms, doubling): ${gaps.join(', ')} ms`);
      expect(gaps[0]).toBeGreaterThanOrEqual(70);
      expect(gaps[2]).toBeGreaterThan(gaps[0]);
      // Every attempt carries the same event, freshly signed.
      expect(new Set(flaky.received.map((request) => request.body)).size).toBe(1);
      expect(flaky.received.every((request) => signatureMatches(request, endpoint.secret))).toBe(true);
      const health = (await world.api('GET', `/v1/webhook-endpoints/${endpoint.id}`)).json();
      expect(health).toMatchObject({ consecutiveFailures: 0, lastError: expect.stringContaining('HTTP 503') });
    } finally {
      await flaky.close();
    }
  });

  it('does not follow redirects', async () => {
    const target = await startReceiver();
    const redirecting = await startReceiver({ kind: 'redirect', location: target.url });
    try {
      const endpoint = await createEndpoint(world, redirecting.url);
      const { deliveryId } = (await world.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`)).json();
      const attempt = await world.waitFor(async () => {
        const delivery = await world.deps.models.EventDelivery.findById(deliveryId).lean();
        return delivery?.answers?.length && delivery.answers[0];
      }, 'the first attempt');
      expect(attempt).toMatchObject({ statusCode: 302, error: `HTTP 302: a redirect to ${target.url}, which is not followed` });
      expect(target.received).toHaveLength(0);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });

  it('deletes an endpoint with its pending deliveries: 204, then 404', async () => {
    const dead = await startReceiver({ kind: 'status', status: 500 });
    const endpoint = await createEndpoint(world, dead.url);
    await world.api('POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
    await world.waitFor(async () => dead.received.length > 0, 'a first failed attempt');
    await dead.close();
    const deleted = await world.api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await world.api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);
    expect((await world.api('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).statusCode).toBe(404);
    expect(await world.deps.models.EventDelivery.countDocuments({ endpointId: endpoint.id })).toBe(0);
    expect(eventsOf(receiver).length).toBeGreaterThan(0);
  });
});
