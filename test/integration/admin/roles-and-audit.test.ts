/**
 * Roles are enforced by the server, not by hidden buttons: a viewer's calls to AdminJS's API and
 * to the queue board change nothing. An admin's changes go through the services and land in the
 * audit log with what changed; refused attempts are logged too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { loginAs, type AdminClient } from './admin-client.js';
import { ADMIN, VIEWER, seedCampaign, seedOperators, seedPanelFixture, type PanelFixture } from './fixtures.js';

let t: TestApp;
let fixture: PanelFixture;
let admin: AdminClient;
let viewer: AdminClient;

const campaignStatus = async (id: string) => (await t.deps.models.Campaign.findById(id).lean())!.status;

beforeAll(async () => {
  t = await buildTestApp({}, { admin: true });
  await seedOperators(t.deps);
  fixture = await seedPanelFixture(t.deps);
  [admin, viewer] = await Promise.all([loginAs(t.app, ADMIN.email, ADMIN.password), loginAs(t.app, VIEWER.email, VIEWER.password)]);
});
afterAll(async () => {
  await t?.close();
});

describe('a viewer', () => {
  it('sees records but is offered no action that changes anything', async () => {
    const shown = (await viewer.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/show`)).json();
    expect(shown.record.params.name).toBe('Campaign running');
    expect(shown.record.recordActions.map((action: { name: string }) => action.name)).toEqual(['show', 'downloadReport', 'messages']);
    const asAdmin = (await admin.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/show`)).json();
    expect(asAdmin.record.recordActions.map((action: { name: string }) => action.name)).toEqual(expect.arrayContaining(['pause', 'cancel']));
  });

  it('is refused on the server when calling actions directly', async () => {
    const refused = [
      await viewer.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/pause`),
      await viewer.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/cancel`),
      await viewer.post(`/admin/api/resources/Client/records/${fixture.clientId}/edit`, { name: 'Hijacked' }),
      await viewer.post('/admin/api/resources/Operator/actions/new', { email: 'intruder@example.com', password: 'intruder-pass', role: 'admin' }),
      await viewer.post(`/admin/api/resources/Credential/records/${fixture.credentialId}/delete`),
      await viewer.get(`/admin/api/resources/Credential/records/${fixture.credentialId}/verifyNow`),
      await viewer.post(`/admin/api/resources/Client/records/${fixture.clientId}/createApiKey`, { name: 'sneaky' }),
    ];
    for (const response of refused) {
      expect(response.json().notice).toMatchObject({ type: 'error', message: expect.stringMatching(/viewer/i) });
      expect(response.body).not.toContain('shownOnce');
    }
    expect(await campaignStatus(fixture.campaignId)).toBe('running');
    expect((await t.deps.models.Client.findById(fixture.clientId).lean())!.name).toBe('Acme');
    expect(await t.deps.models.Operator.exists({ email: 'intruder@example.com' })).toBeNull();
    expect(await t.deps.models.Credential.exists({ _id: fixture.credentialId })).not.toBeNull();
    expect(await t.deps.models.ApiKey.countDocuments({ clientId: fixture.clientId })).toBe(1);
    expect(await t.deps.models.AuditLog.countDocuments({ operatorEmail: VIEWER.email, outcome: 'refused' })).toBe(refused.length);
  });

  it('may look at the queue board but not change a queue', async () => {
    expect((await viewer.get('/admin/queues/api/queues')).statusCode).toBe(200);
    const paused = await t.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/send/pause', headers: { cookie: viewer.cookie } });
    expect(paused.statusCode).toBe(403);
    expect(await t.deps.queues.send.isPaused()).toBe(false);
  });
});

describe('an admin', () => {
  it('pauses and resumes through the campaigns service, each change audited', async () => {
    const paused = await admin.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/pause`);
    expect(paused.json().notice).toMatchObject({ type: 'success', message: 'Campaign paused.' });
    expect(await t.deps.models.Campaign.findById(fixture.campaignId).lean()).toMatchObject({
      status: 'paused', pausedBy: 'operator', pausedReason: `Paused by operator ${ADMIN.email}.`,
    });
    // An action that does not apply to the campaign's state is refused, not attempted.
    const again = await admin.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/pause`);
    expect(again.json().notice).toMatchObject({ type: 'error' });

    const resumed = await admin.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/resume`);
    expect(resumed.json().notice).toMatchObject({ type: 'success' });
    expect(await campaignStatus(fixture.campaignId)).toBe('running');

    const entries = await t.deps.models.AuditLog.find({ resource: 'Campaign', recordIds: fixture.campaignId, operatorEmail: ADMIN.email }).sort({ at: 1 }).lean();
    expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([['pause', 'succeeded'], ['resume', 'succeeded']]);
    expect(entries[0]).toMatchObject({
      operatorEmail: ADMIN.email,
      before: { status: 'running' },
      after: { status: 'paused', pausedBy: 'operator' },
    });
  });

  it('retries failed messages through the campaigns service', async () => {
    const campaignId = await seedCampaign(t.deps, fixture.clientId, fixture.credentialId, 'completed', 2);
    await t.deps.models.Message.updateMany({ campaignId }, { $set: { status: 'failed', error: { code: 131026, title: 'Undeliverable' } } });
    await t.deps.models.Campaign.updateOne({ _id: campaignId }, { $set: { 'counts.queued': 0, 'counts.failed': 2 } });
    const response = await admin.get(`/admin/api/resources/Campaign/records/${campaignId}/retryAllFailed`);
    expect(response.json().notice).toMatchObject({ type: 'success', message: '2 failed messages queued again.' });
    expect(await t.deps.models.Message.countDocuments({ campaignId, status: 'queued' })).toBe(2);
    expect(await campaignStatus(campaignId)).toBe('running');
  });

  it('cannot delete or demote their own account', async () => {
    const me = await t.deps.models.Operator.findOne({ email: ADMIN.email }).lean();
    const deleted = await admin.post(`/admin/api/resources/Operator/records/${me!._id}/delete`);
    expect(deleted.json().notice).toMatchObject({ type: 'error' });
    const demoted = await admin.post(`/admin/api/resources/Operator/records/${me!._id}/edit`, { role: 'viewer' });
    expect(demoted.json().notice).toMatchObject({ type: 'error' });
    expect(await t.deps.models.Operator.findById(me!._id).lean()).toMatchObject({ role: 'admin' });
  });

  it('creates operators with a hashed password that works for logging in', async () => {
    const created = await admin.post('/admin/api/resources/Operator/actions/new', { email: 'new.ops@example.com', password: 'brand-new-pass', role: 'viewer' });
    expect(created.json().notice).toMatchObject({ type: 'success' });
    expect(created.body).not.toContain('brand-new-pass');
    const stored = await t.deps.models.Operator.findOne({ email: 'new.ops@example.com' }).select('+passwordHash').lean();
    expect(stored!.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    await expect(loginAs(t.app, 'new.ops@example.com', 'brand-new-pass')).resolves.toBeDefined();
  });

  it('loses the right to change things as soon as they are demoted', async () => {
    const other = await loginAs(t.app, 'new.ops@example.com', 'brand-new-pass');
    await t.deps.models.Operator.updateOne({ email: 'new.ops@example.com' }, { $set: { role: 'admin' } });
    const promoted = await other.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/pause`);
    expect(promoted.json().notice).toMatchObject({ type: 'success' });
    await t.deps.models.Operator.updateOne({ email: 'new.ops@example.com' }, { $set: { role: 'viewer' } });
    const demoted = await other.get(`/admin/api/resources/Campaign/records/${fixture.campaignId}/resume`);
    expect(demoted.json().notice).toMatchObject({ type: 'error' });
    expect(await campaignStatus(fixture.campaignId)).toBe('paused');

    await t.deps.models.Operator.deleteOne({ email: 'new.ops@example.com' });
    const gone = await other.get('/admin/api/resources/Campaign/actions/list');
    expect(gone.statusCode).toBe(302);
    expect(gone.headers.location).toBe('/admin/login');
  });
});
