import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.close();
});

const body = () => ({
  name: 'Main number', wabaId: world.seed.wabaId, phoneNumberId: world.seed.phoneNumberId,
  accessToken: world.seed.accessToken, appId: world.seed.appId, appSecret: world.seed.appSecret,
});

describe('POST /v1/credentials', () => {
  let id: string;

  it('registers a credential, answers 201 pending with the webhook URL, and verifies it with Meta', async () => {
    const response = await world.api('POST', '/v1/credentials', body());
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[a-f0-9]{24}$/), name: 'Main number', wabaId: world.seed.wabaId,
      phoneNumberId: world.seed.phoneNumberId, status: 'pending',
      webhook: { url: 'https://ocm.test/webhooks/whatsapp', verifyToken: expect.stringMatching(/^[\w-]{24,}$/) },
      createdAt: expect.any(String),
    });
    id = created.id;

    const connected = await world.waitFor(async () => {
      const current = (await world.api('GET', `/v1/credentials/${id}`)).json();
      return current.status === 'connected' && current;
    }, 'verification');
    expect(connected.phone).toMatchObject({
      displayPhoneNumber: world.seed.displayPhoneNumber, verifiedName: world.seed.verifiedName, qualityRating: 'GREEN',
      messagingLimitTier: 'TIER_10K', throughput: { level: 'STANDARD', messagesPerSecond: 80 },
    });
    expect(connected.lastCheckedAt).toEqual(expect.any(String));
    expect(connected.lastError).toBeNull();
  });

  it('syncs the approved template catalogue with parameter counts', async () => {
    const response = await world.api('GET', `/v1/credentials/${id}/templates?limit=500`);
    expect(response.statusCode).toBe(200);
    const templates = response.json().items;
    expect(templates.length).toBe(world.seed.templates.length);
    const offer = templates.find((template: { name: string; language: string }) => template.name === 'welcome_offer' && template.language === 'en_US');
    expect(offer).toMatchObject({ status: 'APPROVED', category: 'MARKETING', parameters: { body: 2, header: 0 } });
    const order = templates.find((template: { name: string }) => template.name === 'order_update');
    expect(order.parameters).toMatchObject({ body: 2, bodyNames: ['customer_name', 'order_id'], buttons: [{ index: 0, subType: 'url', count: 1 }] });
  });

  it('answers 409 for a phone number id the client already registered', async () => {
    const response = await world.api('POST', '/v1/credentials', body());
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'conflict', message: expect.stringContaining(world.seed.phoneNumberId) });
  });

  it('lists with cursor paging', async () => {
    const first = (await world.api('GET', '/v1/credentials?limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first).toHaveProperty('nextCursor');
  });

  it('verifies on demand and renames, rotates and caps through PATCH', async () => {
    const verified = await world.api('POST', `/v1/credentials/${id}/verify`);
    expect(verified.statusCode).toBe(200);
    expect(verified.json().status).toBe('connected');

    const renamed = await world.api('PATCH', `/v1/credentials/${id}`, { name: 'Renamed', messagesPerSecond: 20 });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Renamed', messagesPerSecond: 20, status: 'connected' });

    const rotated = await world.api('PATCH', `/v1/credentials/${id}`, { accessToken: world.seed.accessToken });
    expect(rotated.json().status).toBe('pending');
    await world.waitFor(async () => (await world.api('GET', `/v1/credentials/${id}`)).json().status === 'connected', 're-verification');
  });

  it('keeps another client out: its ids answer 404', async () => {
    const other = await createClientsService(world.deps).createClient('Other client');
    const response = await world.app.inject({ method: 'GET', url: `/v1/credentials/${id}`, headers: { authorization: `Bearer ${other.apiKey}` } });
    expect(response.statusCode).toBe(404);
    const list = await world.app.inject({ method: 'GET', url: '/v1/credentials', headers: { authorization: `Bearer ${other.apiKey}` } });
    expect(list.json().items).toEqual([]);
  });

  it('deletes with 204, after which it is gone', async () => {
    expect((await world.api('DELETE', `/v1/credentials/${id}`)).statusCode).toBe(204);
    expect((await world.api('GET', `/v1/credentials/${id}`)).statusCode).toBe(404);
    expect((await world.api('DELETE', `/v1/credentials/${id}`)).statusCode).toBe(404);
  });
});

describe('verification outcomes an operator can act on', () => {
  it('marks an expired token invalid and says what to do', async () => {
    const token = 'EAAexpiredTokenForTheVerificationTest000000000001';
    world.sim.upsertToken({ token, appId: world.seed.appId, wabaIds: [world.seed.wabaId], expired: true });
    const created = (await world.api('POST', '/v1/credentials', { ...body(), phoneNumberId: world.seed.phoneNumberId, accessToken: token })).json();
    const result = await world.waitFor(async () => {
      const current = (await world.api('GET', `/v1/credentials/${created.id ?? 'none'}`)).json();
      return current.status !== 'pending' && current;
    }, 'verification');
    expect(result.status).toBe('invalid');
    expect(result.lastError).toMatch(/expired or was revoked \(Meta error 190\/463\): create a new System User token/);
  });

  it('marks a token that cannot see the number invalid', async () => {
    const token = 'EAAtokenOfAnotherWabaForVerificationTest000000000002';
    world.sim.upsertWaba({ id: '100000000000099', name: 'Another' });
    world.sim.upsertToken({ token, appId: world.seed.appId, wabaIds: ['100000000000099'] });
    const created = (await world.api('POST', '/v1/credentials', { ...body(), phoneNumberId: '200000000000555', accessToken: token })).json();
    const verified = (await world.api('POST', `/v1/credentials/${created.id}/verify`)).json();
    expect(verified.status).toBe('invalid');
    expect(verified.lastError).toMatch(/cannot see phone number id 200000000000555/);
  });

  it('reports a WABA not subscribed to any app as an error', async () => {
    world.sim.upsertWaba({ id: '100000000000077', name: 'Unsubscribed', subscribedAppIds: [] });
    world.sim.upsertPhoneNumber({ id: '200000000000077', wabaId: '100000000000077', displayPhoneNumber: '+1 555-010-0077' });
    const token = 'EAAtokenOfTheUnsubscribedWaba00000000000000000003';
    world.sim.upsertToken({ token, appId: world.seed.appId, wabaIds: ['100000000000077'] });
    const created = (await world.api('POST', '/v1/credentials', { ...body(), wabaId: '100000000000077', phoneNumberId: '200000000000077', accessToken: token })).json();
    const verified = (await world.api('POST', `/v1/credentials/${created.id}/verify`)).json();
    expect(verified.status).toBe('error');
    expect(verified.lastError).toMatch(/not subscribed to any app.*subscribed_apps/);
  });
});

describe('bad input is answered, not absorbed', () => {
  it.each([
    [{ ...{ wabaId: 'abc' } }, 'wabaId'],
    [{ phoneNumberId: '12a45' }, 'phoneNumberId'],
    [{ accessToken: 'Bearer EAAabcdefghijklmnopqrstuvwxyz' }, 'accessToken'],
    [{ accessToken: { $gt: '' } }, 'accessToken'],
    [{ appSecret: 'not-hex' }, 'appSecret'],
    [{ messagesPerSecond: 0 }, 'messagesPerSecond'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ surprise: true }, 'surprise'],
  ])('%j → 400 naming %s, nothing stored', async (patch, field) => {
    const before = await world.deps.models.Credential.countDocuments();
    const response = await world.api('POST', '/v1/credentials', { ...body(), phoneNumberId: '200000000000321', ...patch });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_error');
    expect(response.json().error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await world.deps.models.Credential.countDocuments()).toBe(before);
  });

  it('rejects ids that are not ids, and operator injection in the query', async () => {
    expect((await world.api('GET', '/v1/credentials/..%2F..%2Fetc')).statusCode).toBe(400);
    expect((await world.api('GET', '/v1/credentials/%7B%22%24gt%22%3A%22%22%7D')).statusCode).toBe(400);
    expect((await world.api('GET', '/v1/credentials?limit[$gt]=1')).statusCode).toBe(400);
    expect((await world.api('GET', '/v1/credentials?cursor=zzz')).statusCode).toBe(400);
  });
});

describe('authentication', () => {
  const call = (authorization?: string) => world.app.inject({ method: 'GET', url: '/v1/credentials', headers: authorization ? { authorization } : {} });

  it('says which of missing, malformed, unknown or revoked the key is', async () => {
    const missing = await call();
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/^Missing Authorization header/) });
    expect((await call('Basic abc')).json().error.message).toMatch(/must be "Bearer <apiKey>"/);
    expect((await call('Bearer nope')).json().error.message).toMatch(/malformed/);
    expect((await call(`Bearer ${world.apiKey.slice(0, -1)}x`)).json().error.message).toMatch(/not known/);

    const { apiKey, apiKeyId } = await createClientsService(world.deps).createApiKey(world.clientId, 'to revoke');
    expect((await call(`Bearer ${apiKey}`)).statusCode).toBe(200);
    await createClientsService(world.deps).revokeApiKey(apiKeyId);
    const revoked = await call(`Bearer ${apiKey}`);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toMatch(/was revoked on/);
  });
});
