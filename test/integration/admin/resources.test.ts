/**
 * What operators look for and do in the resources: messages filtered by campaign, status,
 * recipient (typed as people type numbers) and Meta error code, with their status history;
 * API keys revoked; credentials verified; opt-outs added; queue-board changes audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { loginAs, type AdminClient } from './admin-client.js';
import { ADMIN, seedOperators, seedPanelFixture, type PanelFixture } from './fixtures.js';

let t: TestApp;
let fixture: PanelFixture;
let admin: AdminClient;

beforeAll(async () => {
  // Nothing listens there: verification fails at once, as it would with Meta unreachable.
  t = await buildTestApp({ GRAPH_API_BASE_URL: 'http://127.0.0.1:9' }, { admin: true });
  await seedOperators(t.deps);
  fixture = await seedPanelFixture(t.deps);
  admin = await loginAs(t.app, ADMIN.email, ADMIN.password);
  await t.deps.models.Message.updateOne({ campaignId: fixture.campaignId, to: '49170123450' }, {
    $set: { status: 'failed', error: { code: 131026, title: 'Message undeliverable' } },
    $push: { statusHistory: { status: 'failed', at: new Date(), note: 'from a status webhook' } },
  });
});
afterAll(async () => {
  await t?.close();
});

const listed = async (query: string) => (await admin.get(`/admin/api/resources/Message/actions/list?${query}`)).json().records
  .map((record: { params: Record<string, unknown> }) => record.params.to);

describe('messages', () => {
  it('filter by campaign, status, recipient and Meta error code', async () => {
    expect(await listed(`filters.campaignId=${fixture.campaignId}`)).toHaveLength(3);
    expect(await listed(`filters.campaignId=${fixture.campaignId}&filters.status=failed`)).toEqual(['49170123450']);
    expect(await listed(`filters.to=${encodeURIComponent('+49 170 123451')}`)).toEqual(['49170123451']);
    expect(await listed('filters.error.code=131026')).toEqual(['49170123450']);
    expect(await listed('filters.error.code=131049')).toEqual([]);
  });

  it('show their status history', async () => {
    const message = await t.deps.models.Message.findOne({ to: '49170123450' }).lean();
    const shown = (await admin.get(`/admin/api/resources/Message/records/${message!._id}/show`)).json();
    expect(shown.record.params).toMatchObject({
      'statusHistory.0.status': 'queued', 'statusHistory.1.status': 'failed', 'statusHistory.1.note': 'from a status webhook', 'error.code': 131026,
    });
  });
});

describe('operator actions', () => {
  it('revoke an API key, after which the API refuses it', async () => {
    const key = await t.deps.models.ApiKey.findOne({ clientId: fixture.clientId }).lean();
    const response = await admin.get(`/admin/api/resources/ApiKey/records/${key!._id}/revoke`);
    expect(response.json().notice).toMatchObject({ type: 'success', message: 'API key revoked.' });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/campaigns', headers: { authorization: `Bearer ${fixture.apiKey}` } });
    expect(refused.statusCode).toBe(401);
    const shown = (await admin.get(`/admin/api/resources/ApiKey/records/${key!._id}/show`)).json();
    expect(shown.record.recordActions.map((action: { name: string }) => action.name)).not.toContain('revoke');
  });

  it('verify a credential now and report what Meta (here: nobody) answered', async () => {
    const verified = await admin.get(`/admin/api/resources/Credential/records/${fixture.credentialId}/verifyNow`);
    expect(verified.json().notice).toMatchObject({ type: 'success', message: expect.stringMatching(/^Verified with Meta: error/) });
    expect(verified.json().record.params.status).toBe('error');
    const synced = await admin.get(`/admin/api/resources/Credential/records/${fixture.credentialId}/syncTemplates`);
    expect(synced.json().notice).toMatchObject({ type: 'error', message: expect.stringMatching(/^Could not sync/) });
  });

  it('register a credential through the credentials service, and delete one after cancelling its campaigns', async () => {
    const token = 'EAAGregisteredFromThePanel00000000001';
    const created = await admin.post('/admin/api/resources/Credential/actions/new', {
      clientId: fixture.clientId, name: 'Second number', wabaId: '100000000000077', phoneNumberId: '200000000000077', newAccessToken: token,
    });
    expect(created.json().notice).toMatchObject({ type: 'success' });
    expect(created.body).not.toContain(token);
    const stored = await t.deps.models.Credential.findOne({ phoneNumberId: '200000000000077' }).select('+accessToken').lean();
    expect(t.deps.keyRing.open(stored!.accessToken)).toBe(token);
    expect(stored).toMatchObject({ status: 'pending', clientId: expect.anything() });

    const deleted = await admin.post(`/admin/api/resources/Credential/records/${fixture.credentialId}/delete`);
    expect(deleted.json().notice).toMatchObject({ type: 'success' });
    expect(await t.deps.models.Credential.exists({ _id: fixture.credentialId })).toBeNull();
    expect((await t.deps.models.Campaign.findById(fixture.campaignId).lean())!.status).toBe('cancelled');
  });

  it('add an opt-out through the opt-outs service, normalising the number', async () => {
    const response = await admin.post('/admin/api/resources/OptOut/actions/new', { clientId: fixture.clientId, phone: '+49 170 5550000' });
    expect(response.json().notice).toMatchObject({ type: 'success' });
    expect(await t.deps.models.OptOut.findOne({ clientId: fixture.clientId }).lean()).toMatchObject({ phone: '491705550000', source: 'admin' });
    const invalid = await admin.post('/admin/api/resources/OptOut/actions/new', { clientId: fixture.clientId, phone: 'call me' });
    expect(invalid.json()).toMatchObject({ notice: { type: 'error' }, record: { errors: { phone: expect.any(Object) } } });
  });

  it('audit changes made on the queue board', async () => {
    const paused = await t.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/maintenance/pause', headers: { cookie: admin.cookie } });
    expect(paused.statusCode).toBe(200);
    expect(await t.deps.queues.maintenance.isPaused()).toBe(true);
    await t.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/maintenance/resume', headers: { cookie: admin.cookie } });
    const entries = await t.deps.models.AuditLog.find({ resource: 'queues' }).sort({ at: 1 }).lean();
    expect(entries.map((entry) => [entry.action, entry.recordIds, entry.outcome])).toEqual([
      ['PUT /admin/queues/api/queues/:queueName/pause', ['maintenance'], 'succeeded'],
      ['PUT /admin/queues/api/queues/:queueName/resume', ['maintenance'], 'succeeded'],
    ]);
  });
});
