/**
 * The `/_sim` admin API as another process drives it (black-box tests, the sandbox), and the
 * sandbox seed: configure an account, send through it, read the observations, reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, SANDBOX_IDS, seedSandbox, type Simulator } from '../../../src/simulator/index.js';
import { FAST_WEBHOOKS, graph, WebhookReceiver } from './simulator-kit.js';

let sim: Simulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  sim = await createSimulator({ webhooks: FAST_WEBHOOKS });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

describe('admin API', () => {
  it('configures an account in one call and sends through it', async () => {
    const setup = await admin('POST', '/setup', {
      apps: [{ id: '700000000000001', secret: 'black-box-secret', callbackUrl: receiver.url }],
      wabas: [
        {
          id: '710000000000001',
          subscribedAppIds: ['700000000000001'],
          templates: [{ name: 'hello', language: 'en_US', category: 'utility', components: [{ type: 'BODY', text: 'Hi {{1}}' }] }],
        },
      ],
      phoneNumbers: [{ id: '720000000000001', wabaId: '710000000000001', displayPhoneNumber: '+44 7700 900001', throughput: { level: 'STANDARD', mps: 3 } }],
      tokens: [{ token: 'EAABlackBoxToken000000001', appId: '700000000000001', wabaIds: ['710000000000001'] }],
    });
    expect(setup.status).toBe(200);
    expect(setup.json.phoneNumbers[0]).toMatchObject({ id: '720000000000001', throughput: { level: 'STANDARD', mps: 3 }, countryCode: '44' });

    const send = (to: string) =>
      graph(sim, 'POST', '/v23.0/720000000000001/messages', {
        token: 'EAABlackBoxToken000000001',
        body: {
          messaging_product: 'whatsapp',
          to,
          type: 'template',
          template: { name: 'hello', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Bo' }] }] },
        },
      });
    const answers = await Promise.all(['+447700900101', '+447700900102', '+447700900103', '+447700900104'].map(send));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 400]);

    const stats = await admin('GET', '/stats');
    expect(stats.json.phoneNumbers['720000000000001']).toMatchObject({
      received: 4,
      accepted: 3,
      maxAcceptedInAnySecond: 3,
      limitsEnforced: { throughput: 1, pair: 0 },
    });
    const requests = await admin('GET', '/requests?phoneNumberId=720000000000001&outcome=accepted');
    expect(requests.json).toHaveLength(3);
    expect((await admin('GET', '/requests?recipient=447700900101')).json[0].recipient).toBe('447700900101');

    expect((await admin('POST', '/webhooks/wait', { timeoutMs: 5000 })).json).toEqual({ idle: true });
    expect(receiver.statuses()).toHaveLength(9);
    expect((await admin('GET', '/webhook-deliveries')).json.every((d: any) => d.status === 200)).toBe(true);
  });

  it('patches a phone number and a token, and sends inbound messages', async () => {
    expect((await admin('PATCH', '/phone-numbers/720000000000001', { qualityRating: 'red' })).json.qualityRating).toBe('RED');
    expect((await admin('PATCH', '/tokens/EAABlackBoxToken000000001', { expired: true })).json.expired).toBe(true);
    const refused = await graph(sim, 'GET', '/v23.0/720000000000001', { token: 'EAABlackBoxToken000000001' });
    expect(refused.json.error).toMatchObject({ code: 190, error_subcode: 463 });
    const inbound = await admin('POST', '/inbound-messages', { type: 'text', phoneNumberId: '720000000000001', from: '447700900101', text: 'hello' });
    expect(inbound.json.wamid).toMatch(/^wamid\./);
  });

  it('answers 400 with the issues for bad input and 404 for unknown ids', async () => {
    const bad = await admin('POST', '/phone-numbers', { wabaId: 'not-a-number' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].path).toBe('wabaId');
    const missing = await admin('PATCH', '/phone-numbers/123', { qualityRating: 'GREEN' });
    expect(missing.status).toBe(404);
    expect((await admin('GET', '/nothing')).status).toBe(404);
  });

  it('resets observations, traffic or everything', async () => {
    await admin('POST', '/reset', { scope: 'observations' });
    expect((await admin('GET', '/stats')).json.totals.received).toBe(0);
    expect((await admin('GET', '/state')).json.phoneNumbers).toHaveLength(1);
    await admin('POST', '/reset', { scope: 'all' });
    expect((await admin('GET', '/state')).json.phoneNumbers).toHaveLength(0);
  });
});

describe('seedSandbox', () => {
  it('creates a deterministic demo account that works end to end', async () => {
    const seed = seedSandbox(sim, { webhookUrl: receiver.url });
    expect(seed).toMatchObject({
      graphApiBaseUrl: sim.url,
      appId: SANDBOX_IDS.appId,
      appSecret: SANDBOX_IDS.appSecret,
      accessToken: SANDBOX_IDS.accessToken,
      wabaId: SANDBOX_IDS.wabaId,
      phoneNumberId: SANDBOX_IDS.phoneNumberId,
      webhookUrl: receiver.url,
    });
    expect(seedSandbox(sim, { webhookUrl: receiver.url })).toEqual(seed);

    for (const template of seed.templates.filter((t) => t.status === 'APPROVED')) {
      const answer = await graph(sim, 'POST', `/v23.0/${seed.phoneNumberId}/messages`, {
        token: seed.accessToken,
        body: {
          messaging_product: 'whatsapp',
          to: '+5511988887777',
          type: 'template',
          template: { name: template.name, language: { code: template.language }, components: template.exampleComponents },
        },
      });
      expect(answer.status, `${template.name}/${template.language}: ${answer.text}`).toBe(200);
    }
    const paused = seed.templates.find((t) => t.status === 'PAUSED')!;
    const refused = await graph(sim, 'POST', `/v23.0/${seed.phoneNumberId}/messages`, {
      token: seed.accessToken,
      body: { messaging_product: 'whatsapp', to: '+5511988887777', type: 'template', template: { name: paused.name, language: { code: paused.language } } },
    });
    expect(refused.json.error.code).toBe(132015);
  });

  it('is available over the admin API', async () => {
    const seeded = await admin('POST', '/sandbox', {});
    expect(seeded.json).toMatchObject({ phoneNumberId: SANDBOX_IDS.phoneNumberId, accessToken: SANDBOX_IDS.accessToken });
  });
});
