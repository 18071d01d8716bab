/**
 * A generated battery of bad input across every route and the Meta webhook (issue 9): wrong
 * types, missing and extra fields, huge and empty bodies, wrong content types, invalid JSON, deep
 * nesting, unicode and control characters, operator injection, path traversal, another client's
 * ids. Every case must get the contract's error shape with a 4xx — no 500, no crash — and nothing
 * may be written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;
let campaignId: string;
let messageId: string;
let foreign: { credentialId: string; campaignId: string };

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: string | Buffer;
  headers?: Record<string, string>;
  auth?: boolean;
}

const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] };

/** Values that are wrong for any field that wants a string, a number, a list or an object. */
const WRONG_VALUES: Array<[string, unknown]> = [
  ['null', null], ['a number', 12345], ['a boolean', true], ['an array', ['x']], ['an object', { nested: 'x' }],
  ['operator $gt', { $gt: '' }], ['operator $where', { $where: 'sleep(1000)' }], ['operator $ne null', { $ne: null }],
  ['a dotted key', { 'a.b': 1 }], ['a huge string', 'x'.repeat(100_000)], ['control characters', '\u0000\u0007\u001b[31m'],
];

function bodyCases(route: string, method: Case['method'], url: string, valid: Record<string, unknown>, fields: Record<string, Array<[string, unknown]>>): Case[] {
  const cases: Case[] = [];
  for (const [field, values] of Object.entries(fields)) {
    const path = field.split('.');
    const setAt = (value: unknown, remove = false) => {
      const copy = structuredClone(valid) as Record<string, unknown>;
      let target: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) target = (Array.isArray(target[key]) ? (target[key] as unknown[])[0] : target[key]) as Record<string, unknown>;
      if (remove) delete target[path[path.length - 1]]; else target[path[path.length - 1]] = value;
      return copy;
    };
    for (const [label, value] of values) cases.push({ name: `${route}: ${field} is ${label}`, method, url, payload: JSON.stringify(setAt(value)) });
  }
  cases.push({ name: `${route}: an unknown field`, method, url, payload: JSON.stringify({ ...valid, unknownField: 1 }) });
  cases.push({ name: `${route}: a $-prefixed field`, method, url, payload: JSON.stringify({ ...valid, $set: { status: 'x' } }) });
  cases.push({ name: `${route}: __proto__`, method, url, payload: `{"__proto__":{"isAdmin":true},${JSON.stringify(valid).slice(1)}` });
  return cases;
}

function requiredMissing(route: string, method: Case['method'], url: string, valid: Record<string, unknown>, required: string[]): Case[] {
  return required.map((field) => {
    const copy = { ...valid };
    delete copy[field];
    return { name: `${route}: ${field} missing`, method, url, payload: JSON.stringify(copy) };
  });
}

function envelopeCases(route: string, method: Case['method'], url: string): Case[] {
  const nested = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
  return [
    { name: `${route}: invalid JSON`, method, url, payload: '{"name": ' },
    { name: `${route}: trailing garbage`, method, url, payload: '{} xyz' },
    { name: `${route}: empty body`, method, url, payload: '' },
    { name: `${route}: an array body`, method, url, payload: '[]' },
    { name: `${route}: a string body`, method, url, payload: '"text"' },
    { name: `${route}: a number body`, method, url, payload: '42' },
    { name: `${route}: null body`, method, url, payload: 'null' },
    { name: `${route}: an empty object`, method, url, payload: '{}' },
    { name: `${route}: deep nesting`, method, url, payload: nested },
    { name: `${route}: over 1 MiB`, method, url, payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 100) }) },
    { name: `${route}: text/plain`, method, url, payload: 'hello', headers: { 'content-type': 'text/plain' } },
    { name: `${route}: form encoded`, method, url, payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { name: `${route}: XML`, method, url, payload: '<a/>', headers: { 'content-type': 'application/xml' } },
    { name: `${route}: multipart without boundary`, method, url, payload: 'x', headers: { 'content-type': 'multipart/form-data' } },
    { name: `${route}: invalid UTF-8`, method, url, payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    { name: `${route}: no API key`, method, url, payload: '{}', auth: false },
  ];
}

const BAD_IDS = [
  '..%2F..%2Fetc%2Fpasswd', '%00', 'aaaaaaaaaaaaaaaaaaaaaaaa', '123', '%7B%22%24gt%22%3A%22%22%7D', 'ZZZZZZZZZZZZZZZZZZZZZZZZ',
  `${'a'.repeat(25)}`, '%E2%80%AE', 'null', '%20',
];

function idCases(): Case[] {
  const templates: Array<[Case['method'], string, unknown?]> = [
    ['GET', '/v1/credentials/:id'], ['PATCH', '/v1/credentials/:id', { name: 'x' }], ['DELETE', '/v1/credentials/:id'],
    ['POST', '/v1/credentials/:id/verify'], ['GET', '/v1/credentials/:id/templates'],
    ['GET', '/v1/campaigns/:id'], ['POST', '/v1/campaigns/:id/pause'], ['POST', '/v1/campaigns/:id/resume'],
    ['POST', '/v1/campaigns/:id/cancel'], ['POST', '/v1/campaigns/:id/retry-failed', {}], ['GET', '/v1/campaigns/:id/messages'],
    ['GET', '/v1/messages/:id'],
  ];
  return templates.flatMap(([method, path, body]) => BAD_IDS.map((id) => ({
    name: `${method} ${path} with id ${decodeURIComponent(id.replace(/%(?![0-9A-F]{2})/g, '%25'))}`,
    method, url: path.replace(':id', id), payload: body === undefined ? undefined : JSON.stringify(body),
  })));
}

function queryCases(): Case[] {
  const lists = ['/v1/credentials', '/v1/campaigns', '/v1/opt-outs', '/v1/campaigns/:campaign/messages', '/v1/credentials/:credential/templates'];
  const queries = ['limit=0', 'limit=501', 'limit=-1', 'limit=abc', 'limit=1.5', 'limit[$gt]=1', 'cursor=xyz', 'cursor[$ne]=1', 'unknown=1', 'status=bogus'];
  return lists.flatMap((list) => queries
    .filter((query) => !(query === 'status=bogus' && !list.includes('campaigns')))
    .map((query) => ({ name: `GET ${list}?${query}`, method: 'GET' as const, url: `${list}?${query}` })));
}

function foreignCases(): Case[] {
  return [
    ['GET', `/v1/credentials/${foreign.credentialId}`], ['PATCH', `/v1/credentials/${foreign.credentialId}`, { name: 'mine now' }],
    ['DELETE', `/v1/credentials/${foreign.credentialId}`], ['POST', `/v1/credentials/${foreign.credentialId}/verify`],
    ['GET', `/v1/campaigns/${foreign.campaignId}`], ['POST', `/v1/campaigns/${foreign.campaignId}/cancel`],
    ['POST', `/v1/campaigns/${foreign.campaignId}/pause`], ['GET', `/v1/campaigns/${foreign.campaignId}/messages`],
    ['POST', '/v1/campaigns', { name: 'x', credentialId: foreign.credentialId, template, recipients: [{ to: '+5511999990001' }] }],
    ['POST', '/v1/messages', { credentialId: foreign.credentialId, to: '+5511999990001', template }],
  ].map(([method, url, body]) => ({ name: `another client's id: ${method} ${url}`, method: method as Case['method'], url: url as string, payload: body ? JSON.stringify(body) : undefined }));
}

function headerCases(): Case[] {
  const routes: Array<[Case['method'], string]> = [['GET', '/v1/credentials'], ['GET', '/v1/campaigns'], ['POST', '/v1/campaigns'], ['POST', '/v1/messages'], ['GET', '/v1/opt-outs']];
  const authorizations = ['Bearer', 'Bearer ', 'bearer two words', 'Basic dXNlcjpwYXNz', 'Bearer ocm_', `Bearer ${'x'.repeat(10_000)}`, 'Bearer ocm_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];
  const auth = routes.flatMap(([method, url]) => authorizations.map((authorization) => ({
    name: `${method} ${url} with Authorization "${authorization.slice(0, 30)}"`, method, url, auth: false, headers: { authorization },
    payload: method === 'POST' ? '{}' : undefined,
  })));
  const keys = ['', 'x'.repeat(300), 'ключ-идемпотентности', 'tab\tinside'];
  const idempotency = (['/v1/campaigns', '/v1/messages'] as const).flatMap((url) => keys.map((key) => ({
    name: `POST ${url} with Idempotency-Key "${key.slice(0, 20)}"`, method: 'POST' as const, url, payload: '{}', headers: { 'idempotency-key': key },
  })));
  return [...auth, ...idempotency];
}

function webhookCases(): Case[] {
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '100000000000001', changes: [{ field: 'messages', value: { statuses: [] } }] }] });
  return [
    { name: 'webhook: no signature', method: 'POST', url: '/webhooks/whatsapp', payload: body, auth: false },
    { name: 'webhook: wrong signature', method: 'POST', url: '/webhooks/whatsapp', payload: body, auth: false, headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } },
    { name: 'webhook: malformed signature', method: 'POST', url: '/webhooks/whatsapp', payload: body, auth: false, headers: { 'x-hub-signature-256': 'md5=abc' } },
    { name: 'webhook: invalid JSON', method: 'POST', url: '/webhooks/whatsapp', payload: '{"object":', auth: false, headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } },
    { name: 'webhook: text/plain', method: 'POST', url: '/webhooks/whatsapp', payload: body, auth: false, headers: { 'content-type': 'text/plain' } },
    { name: 'webhook: over 3 MB', method: 'POST', url: '/webhooks/whatsapp', payload: JSON.stringify({ x: 'y'.repeat(3 * 1024 * 1024 + 10) }), auth: false },
    { name: 'webhook handshake: wrong token', method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1', auth: false },
    { name: 'webhook handshake: no token', method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1', auth: false },
    { name: 'webhook handshake: operator injection', method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token[$ne]=x&hub.challenge=1', auth: false },
  ];
}

function allCases(): Case[] {
  const credential = { name: 'n', wabaId: '100000000000001', phoneNumberId: '200000000000999', accessToken: 'EAAvalidLookingToken0000000000000' };
  const campaign = { name: 'c', credentialId, template, recipients: [{ to: '+5511999990001' }] };
  const message = { credentialId, to: '+5511999990001', template };
  const stringField = WRONG_VALUES.filter(([label]) => label !== 'control characters' || true);
  return [
    ...bodyCases('POST /v1/credentials', 'POST', '/v1/credentials', credential, {
      name: stringField.filter(([label]) => label !== 'control characters'), wabaId: [...stringField, ['letters', '12ab45'], ['empty', '']],
      phoneNumberId: [...stringField, ['unicode digits', '١٢٣٤٥٦٧']], accessToken: [...stringField, ['with a space', 'EAA abc def ghi jkl mno pqr'], ['empty', '']],
      appSecret: [...stringField, ['not hex', 'z'.repeat(32)]], messagesPerSecond: [['zero', 0], ['negative', -5], ['a fraction', 1.5], ['too high', 5000], ['a string', '80'], ['null', null]],
    }),
    ...requiredMissing('POST /v1/credentials', 'POST', '/v1/credentials', credential, ['wabaId', 'phoneNumberId', 'accessToken']),
    ...bodyCases('PATCH /v1/credentials/:id', 'PATCH', `/v1/credentials/${credentialId}`, { name: 'ok' }, {
      name: [['null', null], ['a number', 1], ['empty', ''], ['too long', 'x'.repeat(201)], ['an object', { $gt: '' }]],
      accessToken: [['short', 'abc'], ['an object', { $gt: '' }]], messagesPerSecond: [['zero', 0], ['a string', 'fast']],
    }),
    ...bodyCases('POST /v1/campaigns', 'POST', '/v1/campaigns', campaign, {
      name: stringField.filter(([label]) => label !== 'control characters'), credentialId: [...stringField, ['not an id', 'abc']],
      template: [['a string', 'welcome_offer'], ['null', null], ['an array', []], ['operator', { $gt: '' }]],
      'template.name': [...stringField, ['upper case', 'Welcome'], ['path traversal', '../../etc']],
      'template.language': [...stringField, ['nonsense', 'english please']],
      'template.components': [['a string', 'body'], ['an object', {}], ['bad component type', [{ type: 'footer' }]], ['a $ key', [{ type: 'body', parameters: [{ type: 'text', $where: '1' }] }]], ['a dotted key', [{ type: 'body', 'a.b': 1 }]], ['button without index', [{ type: 'button', sub_type: 'url' }]]],
      recipients: [['empty', []], ['a string', '+5511999990001'], ['null', null], ['an object', { to: '+5511999990001' }], ['101,000 entries', Array.from({ length: 100_001 }, () => ({ to: '+5511999990001' }))]],
      'recipients.to': [['null', null], ['a number', 5511999990001], ['an object', { $gt: '' }], ['too long', '1'.repeat(100)]],
      scheduledAt: [['not a date', 'tomorrow'], ['a number', 1700000000], ['an object', { $gt: '' }]],
      dryRun: [['a string', 'yes'], ['a number', 1]],
    }),
    ...requiredMissing('POST /v1/campaigns', 'POST', '/v1/campaigns', campaign, ['name', 'credentialId', 'template', 'recipients']),
    ...bodyCases('POST /v1/messages', 'POST', '/v1/messages', message, {
      credentialId: [...stringField, ['not an id', 'abc']], to: [['null', null], ['a number', 1], ['an object', { $gt: '' }], ['not a phone', 'call me'], ['too short', '+1 555']],
      template: [['a string', 'x'], ['null', null]], 'template.name': [['an object', { $gt: '' }], ['empty', '']],
    }),
    { name: 'POST /v1/messages: both template and text', method: 'POST', url: '/v1/messages', payload: JSON.stringify({ ...message, text: 'hi' }) },
    { name: 'POST /v1/messages: text to a number that never wrote', method: 'POST', url: '/v1/messages', payload: JSON.stringify({ credentialId, to: '+5511999990001', text: 'hi' }) },
    ...requiredMissing('POST /v1/messages', 'POST', '/v1/messages', message, ['credentialId', 'to']),
    ...bodyCases('POST /v1/opt-outs', 'POST', '/v1/opt-outs', { phone: '+5511999990009' }, {
      phone: [...stringField, ['not a phone', 'nobody'], ['unicode', '☎️☎️☎️']],
    }),
    ...bodyCases('POST /v1/campaigns/:id/retry-failed', 'POST', `/v1/campaigns/${campaignId}/retry-failed`, { all: false }, { all: [['a string', 'yes'], ['null', null], ['a number', 1]] }),
    ...envelopeCases('POST /v1/credentials', 'POST', '/v1/credentials'),
    ...envelopeCases('POST /v1/campaigns', 'POST', '/v1/campaigns'),
    ...envelopeCases('POST /v1/messages', 'POST', '/v1/messages'),
    ...envelopeCases('POST /v1/opt-outs', 'POST', '/v1/opt-outs'),
    ...envelopeCases('PATCH /v1/credentials/:id', 'PATCH', `/v1/credentials/${credentialId}`),
    ...idCases(),
    ...queryCases().map((entry) => ({ ...entry, url: entry.url.replace(':campaign', campaignId).replace(':credential', credentialId) })),
    ...['%ZZ', '%E0%A4%A', '..%2F'].map((bad) => ({ name: `bad URL encoding ${bad}`, method: 'GET' as const, url: `/v1/campaigns/${bad}` })),
    { name: 'DELETE /v1/opt-outs/:phone not a phone', method: 'DELETE', url: '/v1/opt-outs/..%2F..' },
    { name: 'DELETE /v1/opt-outs/:phone unknown', method: 'DELETE', url: '/v1/opt-outs/5511999990077' },
    { name: 'unknown route', method: 'GET', url: '/v1/../../etc/passwd' },
    { name: 'unknown method', method: 'DELETE', url: '/v1/campaigns' },
    ...foreignCases(),
    ...webhookCases(),
    ...headerCases(),
  ];
}

async function snapshot() {
  const { models } = world.deps;
  return Object.fromEntries(await Promise.all(Object.entries(models).map(async ([name, model]) =>
    [name, await (model as { countDocuments(): Promise<number> }).countDocuments()] as const)));
}

beforeAll(async () => {
  world = await createWorld({ workers: false });
  credentialId = await world.connectCredential();
  campaignId = (await world.api('POST', '/v1/campaigns', { name: 'base', credentialId, template, recipients: [{ to: '+5511999990001' }] })).json().id;
  messageId = (await world.api('POST', '/v1/messages', { credentialId, to: '+5511999990002', template })).json().id;
  const other = await createClientsService(world.deps).createClient('Other');
  const otherApi = (method: 'POST', url: string, body: unknown) => world.app.inject({ method, url, headers: { authorization: `Bearer ${other.apiKey}` }, payload: body as never });
  world.sim.upsertPhoneNumber({ id: '200000000000123', wabaId: world.seed.wabaId, displayPhoneNumber: '+1 555-010-0123' });
  const otherCredential = (await otherApi('POST', '/v1/credentials', { wabaId: world.seed.wabaId, phoneNumberId: '200000000000123', accessToken: world.seed.accessToken })).json().id;
  await world.api('GET', '/health/live');
  await world.deps.models.Credential.updateOne({ _id: otherCredential }, { $set: { status: 'connected' } });
  const otherCampaign = (await otherApi('POST', '/v1/campaigns', { name: 'theirs', credentialId: otherCredential, template: { name: 'welcome_offer', language: 'en_US' }, recipients: [{ to: '+5511999990003' }] })).json();
  foreign = { credentialId: otherCredential, campaignId: otherCampaign.id };
});
afterAll(async () => {
  await world?.close();
});

describe('bad input is answered, not absorbed', () => {
  it('answers every case with a 4xx in the contract\'s shape and writes nothing', async () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThanOrEqual(500);
    const before = await snapshot();
    const failures: string[] = [];
    for (const entry of cases) {
      const headers: Record<string, string> = { ...(entry.auth === false ? {} : { authorization: `Bearer ${world.apiKey}` }) };
      if (entry.payload !== undefined) headers['content-type'] = 'application/json';
      Object.assign(headers, entry.headers);
      const response = await world.app.inject({ method: entry.method, url: entry.url, headers, payload: entry.payload });
      const problems: string[] = [];
      if (response.statusCode < 400 || response.statusCode >= 500) problems.push(`status ${response.statusCode}`);
      let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
      try { body = response.json(); } catch { problems.push('not JSON'); }
      if (body && (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string' || !Array.isArray(body.error?.details))) problems.push('not the error shape');
      if (/at .+\.(ts|js):\d+|node_modules|stack/i.test(response.body)) problems.push('leaks internals');
      if (problems.length) failures.push(`${entry.name}: ${problems.join(', ')} — ${response.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect((await world.app.inject('/health/live')).statusCode).toBe(200);
    expect((await world.api('GET', `/v1/messages/${messageId}`)).statusCode).toBe(200);
  }, 120_000);
});
