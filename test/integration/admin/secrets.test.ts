/**
 * No response of the panel carries a secret: not a record list or page, not a reference lookup,
 * not a form, not a crafted filter, sort or search on a secret field. Secrets are replaced through
 * the credentials service (sealed, verified again) and never read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { loginAs, type AdminClient } from './admin-client.js';
import { ACCESS_TOKEN, ADMIN, APP_SECRET, seedOperators, seedPanelFixture, type PanelFixture } from './fixtures.js';

let t: TestApp;
let fixture: PanelFixture;
let admin: AdminClient;
let secrets: string[];

beforeAll(async () => {
  t = await buildTestApp({}, { admin: true });
  await seedOperators(t.deps);
  fixture = await seedPanelFixture(t.deps);
  admin = await loginAs(t.app, ADMIN.email, ADMIN.password);
  const credential = await t.deps.models.Credential.findById(fixture.credentialId).select('+accessToken +appSecret').lean();
  const apiKey = await t.deps.models.ApiKey.findOne({ clientId: fixture.clientId }).lean();
  const operator = await t.deps.models.Operator.findOne({ email: ADMIN.email }).select('+passwordHash').lean();
  secrets = [
    ACCESS_TOKEN, APP_SECRET, fixture.apiKey, credential!.accessToken.data, credential!.appSecret!.data,
    apiKey!.hash, operator!.passwordHash, t.deps.config.sessionSecret,
  ];
});
afterAll(async () => {
  await t?.close();
});

function expectNoSecret(body: string, where: string) {
  for (const secret of secrets) expect(body.includes(secret), `${where} contains a secret`).toBe(false);
}

describe('secrets in the admin panel', () => {
  it('are in no list, record, form, lookup or page the panel serves', async () => {
    const urls = [
      '/admin', '/admin/resources/Credential', `/admin/resources/Credential/records/${fixture.credentialId}/show`,
      '/admin/api/dashboard',
      ...['Credential', 'ApiKey', 'Operator', 'Client', 'Message', 'Campaign', 'AuditLog'].flatMap((resource) => [
        `/admin/api/resources/${resource}/actions/list`,
        `/admin/api/resources/${resource}/actions/search`,
      ]),
      `/admin/api/resources/Credential/records/${fixture.credentialId}/show`,
      `/admin/api/resources/Credential/records/${fixture.credentialId}/edit`,
      // Messages populate their credential: the referenced record is scrubbed too.
      `/admin/api/resources/Message/actions/list?filters.campaignId=${fixture.campaignId}`,
    ];
    for (const url of urls) {
      const response = await admin.get(url);
      expect(response.statusCode, url).toBe(200);
      expectNoSecret(response.body, url);
    }
    const shown = (await admin.get(`/admin/api/resources/Credential/records/${fixture.credentialId}/show`)).json();
    expect(shown.record.params).toMatchObject({ accessTokenMasked: expect.stringContaining('••••••••'), appSecretMasked: expect.stringContaining('••••••••') });
    expect(Object.keys(shown.record.params).filter((key) => /^(accessToken|appSecret)(\.|$)/.test(key))).toEqual([]);
    const keys = (await admin.get('/admin/api/resources/ApiKey/actions/list')).json();
    expect(keys.records[0].params.prefix).toEqual(expect.any(String));
    expect(keys.records[0].params.hash).toBeUndefined();
  });

  it('cannot be probed by filtering, sorting or searching on them', async () => {
    const apiKey = await t.deps.models.ApiKey.findOne({ clientId: fixture.clientId }).lean();
    const probes = [
      `/admin/api/resources/ApiKey/actions/list?filters.hash=${apiKey!.hash.slice(0, 8)}`,
      '/admin/api/resources/ApiKey/actions/list?sortBy=hash&direction=asc',
      `/admin/api/resources/ApiKey/actions/search/${apiKey!.hash.slice(0, 8)}?searchProperty=hash`,
      '/admin/api/resources/Operator/actions/list?filters.passwordHash=%242b',
      '/admin/api/resources/Credential/actions/list?filters.accessToken.data=a',
    ];
    for (const url of probes) {
      const response = await admin.get(url);
      expect(response.statusCode, url).toBe(200);
      expectNoSecret(response.body, url);
    }
    // A filter on a hidden field is dropped, not applied: the answer does not depend on its value.
    const filtered = (await admin.get(`/admin/api/resources/ApiKey/actions/search/${apiKey!.hash.slice(0, 8)}?searchProperty=hash`)).json();
    const unfiltered = (await admin.get('/admin/api/resources/ApiKey/actions/search/zzzz-no-such-value?searchProperty=hash')).json();
    expect(filtered.records.length).toBe(unfiltered.records.length);
  });

  it('are replaced through the credentials service, and a form cannot write a hidden field', async () => {
    const newToken = 'EAAGrotatedTokenForTheAdminPanelTest0987654321';
    const response = await admin.post(`/admin/api/resources/Credential/records/${fixture.credentialId}/edit`, {
      name: 'Renamed number', newAccessToken: newToken, 'accessToken.data': 'forged', appId: '999',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().notice).toMatchObject({ type: 'success' });
    expect(response.body).not.toContain(newToken);
    const stored = await t.deps.models.Credential.findById(fixture.credentialId).select('+accessToken').lean();
    expect(t.deps.keyRing.open(stored!.accessToken)).toBe(newToken);
    expect(stored).toMatchObject({ name: 'Renamed number', status: 'pending', secretsVersion: 2 });
    expect(stored!.appId).toBeUndefined();

    const apiKey = await t.deps.models.ApiKey.findOne({ clientId: fixture.clientId }).lean();
    await admin.post(`/admin/api/resources/ApiKey/records/${apiKey!._id}/edit`, { name: 'renamed key', hash: 'forged-hash' });
    const after = await t.deps.models.ApiKey.findById(apiKey!._id).lean();
    expect(after).toMatchObject({ name: 'renamed key', hash: apiKey!.hash });

    const audit = await t.deps.models.AuditLog.findOne({ resource: 'Credential', action: 'edit' }).lean();
    expect(audit).toMatchObject({ operatorEmail: ADMIN.email, outcome: 'succeeded' });
    expect(audit!.after).toMatchObject({ name: 'Renamed number', newAccessToken: '•••••••• (replaced)' });
    expect(JSON.stringify(audit)).not.toContain(newToken);
  });

  it('rejects a malformed replacement without storing it, naming the field', async () => {
    const response = await admin.post(`/admin/api/resources/Credential/records/${fixture.credentialId}/edit`, { newAppSecret: 'not hex' });
    expect(response.json()).toMatchObject({ notice: { type: 'error' }, record: { errors: { newAppSecret: { message: expect.any(String) } } } });
    const stored = await t.deps.models.Credential.findById(fixture.credentialId).select('+appSecret').lean();
    expect(t.deps.keyRing.open(stored!.appSecret!)).toBe(APP_SECRET);
  });

  it('show a new API key once, when it is created, through the clients service', async () => {
    const response = await admin.post(`/admin/api/resources/Client/records/${fixture.clientId}/createApiKey`, { name: 'second key' });
    const created = response.json().shownOnce as string;
    expect(created).toMatch(/^ocm_/);
    const listed = await admin.get(`/admin/api/resources/ApiKey/actions/list?filters.clientId=${fixture.clientId}`);
    expect(listed.json().records).toHaveLength(2);
    expect(listed.body).not.toContain(created);
    const audit = await t.deps.models.AuditLog.findOne({ resource: 'Client', action: 'createApiKey' }).lean();
    expect(JSON.stringify(audit)).not.toContain(created);
    const used = await t.app.inject({ method: 'GET', url: '/v1/campaigns', headers: { authorization: `Bearer ${created}` } });
    expect(used.statusCode).toBe(200);
  });
});
