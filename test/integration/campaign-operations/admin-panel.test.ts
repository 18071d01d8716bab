/**
 * The panel's side of campaign operations and events: an operator creates a webhook endpoint
 * (its secret shown once), sends it a test event and reads its deliveries; sends a campaign's
 * template as a test; downloads the report; and creates a campaign from a CSV file — viewers may
 * download, not create.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { loginAs, type AdminClient } from '../admin/admin-client.js';
import { ADMIN, seedOperators, seedPanelFixture, VIEWER, type PanelFixture } from '../admin/fixtures.js';

let t: TestApp;
let fixture: PanelFixture;
let admin: AdminClient;
let viewer: AdminClient;

beforeAll(async () => {
  t = await buildTestApp({ GRAPH_API_BASE_URL: 'http://127.0.0.1:9' }, { admin: true });
  await seedOperators(t.deps);
  fixture = await seedPanelFixture(t.deps);
  admin = await loginAs(t.app, ADMIN.email, ADMIN.password);
  viewer = await loginAs(t.app, VIEWER.email, VIEWER.password);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const json = (client: AdminClient, url: string, body: unknown) => t.app.inject({ method: 'POST', url, headers: { cookie: client.cookie, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('webhook endpoints in the panel', () => {
  it('creates one showing its secret once, queues a test event, lists its deliveries; never shows the secret again', async () => {
    const created = await admin.post('/admin/api/resources/WebhookEndpoint/actions/new', { clientId: fixture.clientId, url: 'https://crm.example.com/ocm', events: 'message.status, optout.created' });
    const { shownOnce, record } = created.json();
    expect(shownOnce).toMatch(/^whsec_/);
    expect(record.params).toMatchObject({ url: 'https://crm.example.com/ocm', 'events.0': 'message.status', 'events.1': 'optout.created' });
    expect(JSON.stringify(record)).not.toContain(shownOnce);

    const shown = await admin.get(`/admin/api/resources/WebhookEndpoint/records/${record.id}/show`);
    expect(shown.body).not.toContain(shownOnce);
    expect(shown.body).not.toContain('"secret');

    const tested = await admin.get(`/admin/api/resources/WebhookEndpoint/records/${record.id}/sendTest`);
    expect(tested.json().notice).toMatchObject({ type: 'success', message: expect.stringMatching(/^Test event evt_\w+ queued/) });
    const deliveries = await admin.get(`/admin/api/resources/EventDelivery/actions/list?filters.endpointId=${record.id}`);
    expect(deliveries.json().records.map((delivery: { params: Record<string, unknown> }) => delivery.params.type)).toEqual(['endpoint.test']);

    const refused = await admin.post('/admin/api/resources/WebhookEndpoint/actions/new', { clientId: fixture.clientId, url: 'ftp://crm.example.com/' });
    expect(refused.json().notice).toMatchObject({ type: 'error', message: expect.stringMatching(/http:\/\/ or https:\/\//) });
    const byViewer = await viewer.post('/admin/api/resources/WebhookEndpoint/actions/new', { clientId: fixture.clientId, url: 'https://x.example.com/' });
    expect(byViewer.json().notice).toMatchObject({ type: 'error', message: expect.stringMatching(/viewer/i) });
    expect(byViewer.body).not.toContain('whsec_');

    const deleted = await admin.post(`/admin/api/resources/WebhookEndpoint/records/${record.id}/delete`);
    expect(deleted.json().notice.type).toBe('success');
    expect(await t.deps.models.EventDelivery.countDocuments({ endpointId: record.id })).toBe(0);
  });
});

describe('campaign operations in the panel', () => {
  it('test send', async () => {
    const response = await admin.post(`/admin/api/resources/Campaign/records/${fixture.campaignId}/testSend`, { to: '+49 151 0000 0999, nope' });
    expect(response.json().notice).toEqual({ type: 'success', message: '1 test message queued. Not sent: nope (invalid_phone).' });
    expect(await t.deps.models.Message.countDocuments({ campaignId: fixture.campaignId, test: true, to: '4915100000999' })).toBe(1);
    const byViewer = await viewer.post(`/admin/api/resources/Campaign/records/${fixture.campaignId}/testSend`, { to: '+4915100000998' });
    expect(byViewer.json().notice).toMatchObject({ type: 'error', message: expect.stringMatching(/viewer/i) });
    expect(await t.deps.models.Message.countDocuments({ to: '4915100000998' })).toBe(0);
  });

  it('report download, for any operator; not without a session', async () => {
    const response = await viewer.get(`/admin/campaign-files/${fixture.campaignId}/report.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect((parse(response.body, { columns: true }) as unknown[]).length).toBe(3);
    expect((await t.app.inject(`/admin/campaign-files/${fixture.campaignId}/report.csv`)).statusCode).toBe(401);
  });

  it('a campaign from a CSV file, by an admin; errors name the row and column; viewers are refused', async () => {
    const campaign = { name: 'From the panel', credentialId: fixture.credentialId, template: { name: 'welcome_offer', language: 'en_US' }, scheduledAt: new Date(Date.now() + 3600_000).toISOString() };
    const csv = 'phone,ref,body.1,body.2\n+4915100001001,a,Ana,10%\n+4915100001002,b,Bo,20%\n';
    const created = await json(admin, '/admin/campaign-files/upload', { clientId: fixture.clientId, campaign: JSON.stringify(campaign), csv });
    expect(created.statusCode, created.body).toBe(202);
    expect(created.json()).toMatchObject({ status: 'scheduled', counts: { total: 2 }, rejected: [] });
    const audit = await t.deps.models.AuditLog.findOne({ action: 'uploadCsv' }).lean();
    expect(audit).toMatchObject({ operatorEmail: ADMIN.email, outcome: 'succeeded', recordIds: [created.json().id] });

    const broken = await json(admin, '/admin/campaign-files/upload', { clientId: fixture.clientId, campaign, csv: 'phone,body.1,body.2\n+4915100001003,,x\n' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details[0]).toMatchObject({ row: 2, column: 'body.1' });

    expect((await json(viewer, '/admin/campaign-files/upload', { clientId: fixture.clientId, campaign, csv })).statusCode).toBe(403);
  });
});
