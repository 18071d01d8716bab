/**
 * The webhook route (contract §4): the verify handshake, and signature checks over the raw bytes
 * with credential secrets and META_APP_SECRET; what is refused is not stored, what is accepted is
 * stored before the answer and enqueued after it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import { requeuePendingWebhookEvents } from '../../../src/modules/webhooks/webhook-queue.js';
import { QUEUE } from '../../../src/queues/names.js';
import { createWebhookEventProcessor } from '../../../workers/webhooks/process-event.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { FIXTURE_IDS, fixture, metaBytes, metaSignature, statusItem, statusesEnvelope } from '../../fixtures/meta/index.js';

const PLATFORM_SECRET = randomBytes(16).toString('hex');
const PLATFORM_VERIFY_TOKEN = 'platform-verify-token-1234';
const CLIENT_SECRET = randomBytes(16).toString('hex');
const OTHER_SECRET = randomBytes(16).toString('hex');
const OWN_APP = { wabaId: '100000000000777', phoneNumberId: '200000000000777' };
const OTHER_APP = { wabaId: '100000000000888', phoneNumberId: '200000000000888' };

let t: TestApp;
let credentialVerifyToken: string;

async function addCredential(ids: { wabaId: string; phoneNumberId: string }, appSecret?: string) {
  const { clientId } = await createClientsService(t.deps).createClient('Webhook route client');
  const verifyToken = randomBytes(12).toString('base64url');
  await t.deps.models.Credential.create({
    clientId, ...ids, verifyToken, status: 'connected',
    accessToken: t.deps.keyRing.seal('EAAtoken'), ...(appSecret ? { appSecret: t.deps.keyRing.seal(appSecret) } : {}),
  });
  return verifyToken;
}

const post = (body: Buffer | string, headers: Record<string, string>) => t.app.inject({
  method: 'POST', url: '/webhooks/whatsapp', payload: Buffer.isBuffer(body) ? body : Buffer.from(body), headers: { 'content-type': 'application/json', ...headers },
});
const signed = (body: Buffer, secret: string) => post(body, { 'x-hub-signature-256': metaSignature(body, secret) });
const storedCount = () => t.deps.models.WebhookEvent.countDocuments();
const ownStatus = () => metaBytes(statusesEnvelope([statusItem({ wamid: `wamid.route_${randomBytes(4).toString('hex')}`, status: 'sent', at: 1760000000 })], OWN_APP));

beforeAll(async () => {
  t = await buildTestApp({ META_APP_SECRET: PLATFORM_SECRET, META_VERIFY_TOKEN: PLATFORM_VERIFY_TOKEN });
  credentialVerifyToken = await addCredential(OWN_APP, CLIENT_SECRET);
  await addCredential(OTHER_APP, OTHER_SECRET);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /webhooks/whatsapp (verification handshake)', () => {
  const handshake = (query: string) => t.app.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` });

  it('echoes the challenge as text/plain for a credential verify token and for META_VERIFY_TOKEN', async () => {
    for (const token of [credentialVerifyToken, PLATFORM_VERIFY_TOKEN]) {
      const response = await handshake(`hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toBe('1158201444');
    }
  });

  it('answers 403 in the error shape for a wrong token, a wrong mode or a missing challenge', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${PLATFORM_VERIFY_TOKEN}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${PLATFORM_VERIFY_TOKEN}`,
      '',
    ]) {
      const response = await handshake(query);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String), details: [] } });
    }
  });
});

describe('POST /webhooks/whatsapp (signature over the raw bytes)', () => {
  it('accepts a delivery signed with the secret of the credential it names, and stores it before answering', async () => {
    const body = ownStatus();
    const response = await signed(body, CLIENT_SECRET);
    expect(response.statusCode).toBe(200);
    const event = await t.deps.models.WebhookEvent.findOne({ wabaIds: OWN_APP.wabaId }).sort({ _id: -1 }).lean();
    expect(event).toMatchObject({
      body: body.toString(), signatureVerified: true, verifiedWith: 'credential', fields: ['messages'],
      phoneNumberIds: [OWN_APP.phoneNumberId], status: 'pending', attempts: 0,
    });
    expect(event!.receivedAt).toBeInstanceOf(Date);
  });

  it('accepts a delivery signed with META_APP_SECRET', async () => {
    const response = await signed(ownStatus(), PLATFORM_SECRET);
    expect(response.statusCode).toBe(200);
    expect(await t.deps.models.WebhookEvent.countDocuments({ verifiedWith: 'platform' })).toBe(1);
  });

  it('verifies the F5 fixture (escaped non-ASCII, \\u00e9) over its exact bytes, and would not after re-serialising', async () => {
    const body = fixture('f5-inbound-text-and-quick-reply');
    expect(body.toString()).toContain('Jos\\u00e9 Silva');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    const before = await storedCount();
    expect((await post(reserialised, { 'x-hub-signature-256': metaSignature(body, PLATFORM_SECRET) })).statusCode).toBe(401);
    expect((await signed(body, PLATFORM_SECRET)).statusCode).toBe(200);
    const stored = await t.deps.models.WebhookEvent.findOne({ wabaIds: FIXTURE_IDS.wabaId }).lean();
    expect(Buffer.from(stored!.body)).toEqual(body);
    expect(await storedCount()).toBe(before + 1);
  });

  it('refuses with 401 and stores nothing: a tampered byte, a wrong secret, a missing or malformed header', async () => {
    const before = await storedCount();
    const body = ownStatus();
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf('sent')] = 'S'.charCodeAt(0);
    const cases = [
      await post(tampered, { 'x-hub-signature-256': metaSignature(body, CLIENT_SECRET) }),
      await signed(body, 'not-the-secret'),
      await post(body, {}),
      await post(body, { 'x-hub-signature-256': 'sha1=abc' }),
      await post(body, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }),
    ];
    for (const response of cases) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'unauthorized', message: expect.any(String), details: [expect.objectContaining({ field: 'x-hub-signature-256' })] });
    }
    expect(await storedCount()).toBe(before);
  });

  it("accepts a delivery signed by one client's app, but it cannot write into another client's messages", async () => {
    const other = await t.deps.models.Credential.findOne({ phoneNumberId: OTHER_APP.phoneNumberId }).lean();
    const victim = await t.deps.models.Message.create({
      clientId: other!.clientId, credentialId: other!._id, to: '5511999990009', kind: 'template', status: 'accepted', wamid: 'wamid.victim',
    });
    const mixed = statusesEnvelope([statusItem({ wamid: 'wamid.own', status: 'read', at: 1760000000 })], OWN_APP);
    mixed.entry.push(statusesEnvelope([statusItem({ wamid: 'wamid.victim', status: 'failed', at: 1760000000, error: { code: 131026, title: 'x' } })], OTHER_APP).entry[0]);
    const body = metaBytes(mixed);
    expect((await signed(body, CLIENT_SECRET)).statusCode).toBe(200);
    const event = await t.deps.models.WebhookEvent.findOne({ body: body.toString() }).lean();
    expect(event).toMatchObject({ verifiedWith: 'credential', trustedIds: [`waba:${OWN_APP.wabaId}`, `phone:${OWN_APP.phoneNumberId}`] });

    const summary = await createWebhookEventProcessor(t.deps).process(String(event!._id), { lastAttempt: true });
    expect(summary).toEqual({ applied: 0, unchanged: 0, unhandled: 1, orphaned: 1 });
    expect((await t.deps.models.Message.findById(victim._id).lean())!.status).toBe('accepted');
  });

  it('stores the same bytes once however often they are posted (Meta retries)', async () => {
    const body = ownStatus();
    const answers = await Promise.all([signed(body, CLIENT_SECRET), signed(body, CLIENT_SECRET), signed(body, CLIENT_SECRET)]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
    expect(await t.deps.models.WebhookEvent.countDocuments({ body: body.toString() })).toBe(1);
  });

  it('answers bad bodies in the error shape, never 500: not JSON (400), another content type (415), too large (413)', async () => {
    const notJson = Buffer.from('{"object": nope');
    const bad = await signed(notJson, PLATFORM_SECRET);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');

    const form = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('unsupported_media_type');

    const empty = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'x-hub-signature-256': metaSignature('', PLATFORM_SECRET) } });
    expect(empty.statusCode).toBe(400);

    const huge = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(3 * 1024 * 1024) }));
    const tooLarge = await signed(huge, PLATFORM_SECRET);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
  });

  it('takes payloads near Meta\'s 3 MB with 1,000 updates', async () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => ({
      ...statusItem({ wamid: `wamid.big_${i}_${'x'.repeat(2000)}`, status: 'delivered', at: 1760000000 }),
    }));
    const body = metaBytes(statusesEnvelope(statuses, OWN_APP));
    expect(body.length).toBeGreaterThan(2_000_000);
    expect((await signed(body, CLIENT_SECRET)).statusCode).toBe(200);
  });

  it('keeps the raw JSON parser inside its own scope: /v1 still parses JSON bodies', async () => {
    const { apiKey } = await createClientsService(t.deps).createClient('JSON parsing check');
    const response = await t.app.inject({ method: 'POST', url: '/v1/opt-outs', payload: { phone: '+5511999990001' }, headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ phone: '5511999990001' });
  });
});

describe('Redis away after the event is stored', () => {
  it('still answers 200; the event stays pending and the reconciliation pass enqueues it', async () => {
    const queue = t.deps.queues[QUEUE.webhookEvents];
    const add = vi.spyOn(queue, 'add').mockRejectedValueOnce(new Error('Connection is closed.'));
    const body = ownStatus();
    const response = await signed(body, CLIENT_SECRET);
    expect(response.statusCode).toBe(200);
    await vi.waitFor(() => expect(add).toHaveBeenCalled());
    add.mockRestore();
    const event = await t.deps.models.WebhookEvent.findOne({ body: body.toString() }).lean();
    const id = String(event!._id);
    expect(event!.status).toBe('pending');
    expect(await queue.getJobState(id)).toBe('unknown');

    expect(await requeuePendingWebhookEvents(t.deps, { graceMs: 0 })).toBeGreaterThanOrEqual(1);
    expect(await queue.getJobState(id)).toBe('waiting');
    // Running it again adds nothing: the job exists.
    expect(await requeuePendingWebhookEvents(t.deps, { graceMs: 0 })).toBe(0);
  });
});

describe('observability without leaks', () => {
  it('counts deliveries by field and signature failures by reason in /metrics', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ocm_webhook_deliveries_received_total\{[^}]*field="messages"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ocm_webhook_signature_failures_total\{[^}]*reason="missing"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ocm_webhook_signature_failures_total\{[^}]*reason="mismatch"[^}]*\} [1-9]/);
  });

  it('never writes an app secret or a signature to the logs', () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_SECRET, OTHER_SECRET, PLATFORM_SECRET]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/sha256=[0-9a-f]{64}/);
  });
});
