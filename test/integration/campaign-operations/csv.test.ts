/**
 * CSV campaigns: POST /v1/campaigns as multipart/form-data with a `campaign` part and a
 * `recipients` file. Real-world files (BOM, CRLF, quoted commas, blank lines), parameters by
 * position and by name, errors naming row and column, the same answers and idempotency as JSON,
 * 100,000 rows, and multipart nowhere else in /v1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../helpers/world.js';
import { createWorld } from '../../helpers/world.js';
import { type Json } from './helpers.js';
import { csvCampaign, multipart } from './multipart.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const welcome = () => ({ name: 'CSV promo', credentialId, template: { name: 'welcome_offer', language: 'en_US' } });
const upload = (form: ReturnType<typeof multipart>, headers: Record<string, string> = {}) =>
  world.api('POST', '/v1/campaigns', form.payload, { ...form.headers, ...headers });
const messagesOf = async (id: string) => (await world.api('GET', `/v1/campaigns/${id}/messages?limit=500`)).json().items as Json[];

describe('CSV campaigns', () => {
  it('reads a spreadsheet export: BOM, CRLF, quoted commas and quotes, blank lines, refs', async () => {
    const csv = '\uFEFFphone,ref,body.1,body.2\r\n'
      + '+49 151 0000 0001,crm-1,"Smith, Jr.",10%\r\n'
      + '\r\n'
      + '+4915100000002,,"Ana ""the boss""",20%\r\n'
      + ',,,\r\n'
      + 'not a phone,crm-3,Bo,5%\r\n'
      + '+49 151 0000 0001,crm-4,Dup,1%\r\n';
    const response = await upload(csvCampaign({ ...welcome(), scheduledAt: new Date(Date.now() + 3600_000).toISOString() }, csv));
    expect(response.statusCode, response.body).toBe(202);
    const answer = response.json();
    expect(answer).toMatchObject({ status: 'scheduled', counts: { total: 2, queued: 2 }, estimate: { messagesPerSecond: 80 } });
    expect(answer.rejected).toEqual([{ index: 2, to: 'not a phone', reason: 'invalid_phone' }, { index: 3, to: '+49 151 0000 0001', reason: 'duplicate' }]);
    const messages = await messagesOf(answer.id);
    const stored = await world.deps.models.Message.find({ campaignId: answer.id }, { to: 1, ref: 1, components: 1 }).sort({ to: 1 }).lean();
    expect(stored.map(({ to, ref, components }) => ({ to, ref, components }))).toEqual([
      { to: '4915100000001', ref: 'crm-1', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Smith, Jr.' }, { type: 'text', text: '10%' }] }] },
      { to: '4915100000002', ref: null, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana "the boss"' }, { type: 'text', text: '20%' }] }] },
    ]);
    expect(messages).toHaveLength(2);
  });

  it('maps named parameters and button parameters, and sends them to Meta', async () => {
    const csv = 'phone,customer_name,order_id,button.0.1\nPHONE,Ana,A-1001,A-1001\n'.replace('PHONE', '+4915100000100');
    const response = await upload(csvCampaign({ name: 'orders', credentialId, template: { name: 'order_update', language: 'en_US' } }, csv));
    expect(response.statusCode, response.body).toBe(202);
    await world.waitFor(async () => world.sim.requests({ recipient: '4915100000100' }).some((request) => request.outcome === 'accepted'), 'the send');
    // The simulator checks named parameters and the URL button as Meta does: accepted means they fit.
    const message = await world.deps.models.Message.findOne({ campaignId: response.json().id }, { components: 1 }).lean();
    expect(message!.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Ana' }, { type: 'text', parameter_name: 'order_id', text: 'A-1001' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1001' }] },
    ]);
  });

  it('answers exactly as JSON does: the same dry run, the same Idempotency-Key replay and conflict', async () => {
    const recipients = [{ to: '+4915100000200', ref: 'a', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '1%' }] }] }];
    const asJson = await world.api('POST', '/v1/campaigns', { ...welcome(), recipients, dryRun: true });
    const asCsv = await upload(csvCampaign({ ...welcome(), dryRun: true }, 'phone,ref,body.1,body.2\n+4915100000200,a,Ana,1%\n'));
    expect(asCsv.statusCode).toBe(200);
    const { completesAt: _a, ...jsonEstimate } = asJson.json().estimate;
    const { completesAt: _b, ...csvEstimate } = asCsv.json().estimate;
    expect({ ...asCsv.json(), estimate: csvEstimate }).toEqual({ ...asJson.json(), estimate: jsonEstimate });

    const key = { 'idempotency-key': 'csv-upload-1' };
    const form = () => csvCampaign(welcome(), 'phone,body.1,body.2\n+4915100000300,Ana,1%\n');
    const first = await upload(form(), key);
    const again = await upload(form(), key);
    expect(first.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    const other = await upload(csvCampaign(welcome(), 'phone,body.1,body.2\n+4915100000301,Ana,1%\n'), key);
    expect(other.statusCode).toBe(409);
    // The key covers the parsed request: the same recipients sent as JSON replay the CSV answer.
    const sameAsJson = await world.api('POST', '/v1/campaigns', { ...welcome(), recipients: [{ to: '+4915100000300', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '1%' }] }] }] }, key);
    expect(sameAsJson.json()).toEqual(first.json());
  });

  it('names the row and the column of what is wrong (400)', async () => {
    const cases: Array<[string, Json]> = [
      ['phone,email\n+4915100000400,a@b.c\n', { row: 1, column: 'email' }],
      ['phone,body.1,body.2,body.3\n+4915100000400,a,b,c\n', { row: 1, column: 'body.3' }],
      ['ref,body.1,body.2\nx,a,b\n', { row: 1, column: 'phone' }],
      ['phone,body.1,body.2\n+4915100000400,a,b\n\n+4915100000401,a\n', { row: 4 }],
      ['phone,body.1,body.2\n+4915100000400,a,b\n+4915100000401,,b\n', { row: 3, column: 'body.1' }],
      ['phone,body.1,body.2\n+4915100000400,"a,b\n', { row: 2 }],
      ['phone,body.1,body.2\n+4915100000400,a "x" b,c\n', { row: 2 }],
    ];
    for (const [csv, where] of cases) {
      const response = await upload(csvCampaign(welcome(), csv));
      expect(response.statusCode, csv).toBe(400);
      expect(response.json().error.details[0], csv).toMatchObject({ field: 'recipients', ...where });
      expect(response.json().error.message, csv).toMatch(new RegExp(`^The recipients file is invalid: row ${where.row}`));
    }
  });

  it('refuses a broken form: missing or extra parts, bad campaign JSON, recipients in it, an unknown field (400)', async () => {
    const csv = 'phone,body.1,body.2\n+4915100000500,a,b\n';
    const cases: Array<[ReturnType<typeof multipart>, string]> = [
      [multipart([{ name: 'campaign', content: JSON.stringify(welcome()) }]), 'recipients'],
      [multipart([{ name: 'recipients', filename: 'r.csv', content: csv }]), 'campaign'],
      [multipart([{ name: 'campaign', content: '{"name":' }, { name: 'recipients', filename: 'r.csv', content: csv }]), 'campaign'],
      [csvCampaign({ ...welcome(), recipients: [] }, csv), 'campaign'],
      [csvCampaign({ ...welcome(), colour: 'red' }, csv), 'colour'],
      [csvCampaign(welcome(), csv, [{ name: 'notes', content: 'hi' }]), 'notes'],
      [multipart([{ name: 'campaign', content: JSON.stringify(welcome()) }, { name: 'recipients', content: csv }]), 'recipients'],
      [csvCampaign(welcome(), 'phone,body.1,body.2\n'), 'recipients'],
    ];
    for (const [form, field] of cases) {
      const response = await upload(form);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error.details.map((detail: Json) => detail.field), field).toContain(field);
    }
    const noBoundary = await world.api('POST', '/v1/campaigns', 'x', { 'content-type': 'multipart/form-data' });
    expect(noBoundary.statusCode).toBe(400);
    // Cut before its closing boundary; over a real connection, as a client would send it.
    const cutOff = csvCampaign(welcome(), csv);
    const truncated = await fetch(`${world.baseUrl}/v1/campaigns`, {
      method: 'POST', body: cutOff.payload.subarray(0, cutOff.payload.length - 30), headers: { ...cutOff.headers, authorization: `Bearer ${world.apiKey}` },
    });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as Json).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/ended before its closing boundary|could not be read/) });
  });

  it('refuses files over 32 MiB with 413', async () => {
    const row = `+4915100000600,${'x'.repeat(900_000)},b\n`;
    const response = await upload(csvCampaign(welcome(), `phone,body.1,body.2\n${row.repeat(38)}`));
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });

  it('accepts 100,000 rows, and refuses a 100,001st', async () => {
    const rows = Array.from({ length: 100_000 }, (_, n) => `+33612${String(n).padStart(6, '0')},r${n},Client ${n},${n % 50}%`);
    const csv = `phone,ref,body.1,body.2\n${rows.join('\n')}\n`;
    const started = performance.now();
    const response = await upload(csvCampaign({ ...welcome(), scheduledAt: new Date(Date.now() + 3600_000).toISOString() }, csv));
    const seconds = (performance.now() - started) / 1000;
    expect(response.statusCode, response.body.slice(0, 500)).toBe(202);
    expect(response.json().counts.total).toBe(100_000);
    console.log(`100,000-row CSV (${(csv.length / 1024 / 1024).toFixed(1)} MiB) parsed, screened and stored in ${seconds.toFixed(1)} s (${Math.round(100_000 / seconds)} rows/s)`);
    expect(await world.deps.models.Message.countDocuments({ campaignId: response.json().id })).toBe(100_000);

    const tooMany = await upload(csvCampaign({ ...welcome(), dryRun: true }, `${csv}+33699999999,x,y,z\n`));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0]).toMatchObject({ row: 100_002, message: expect.stringMatching(/beyond the limit of 100,000/) });
  }, 120_000);

  it('multipart is taken by POST /v1/campaigns only: every other route answers 415', async () => {
    const form = multipart([{ name: 'phone', content: '+4915100000700' }]);
    const campaign = (await world.api('GET', '/v1/campaigns?limit=1')).json().items[0];
    for (const url of ['/v1/opt-outs', '/v1/webhook-endpoints', '/v1/messages', `/v1/campaigns/${campaign.id}/retry-failed`, `/v1/campaigns/${campaign.id}/test`]) {
      const response = await world.api('POST', url, form.payload, form.headers);
      expect(response.statusCode, url).toBe(415);
      expect(response.json().error.code).toBe('unsupported_media_type');
    }
  });
});
