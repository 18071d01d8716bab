/**
 * SSRF in production mode: webhook URLs naming or resolving to loopback are refused when an
 * endpoint is created, and a delivery whose host resolves to a blocked address at delivery time
 * is refused before any connection. Private and link-local ranges are covered by the unit tests
 * of the address check; every address these tests could reach, even with the check broken, is on
 * this machine's loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import { createDeliveryHttp } from '../../../src/modules/events/http-delivery.js';
import type { Resolver } from '../../../src/modules/events/url-policy.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { createEventsWorld } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let receiver: Receiver;
let port: string;

beforeAll(async () => {
  receiver = await startReceiver();
  port = new URL(receiver.url).port;
});
afterAll(async () => {
  await receiver?.close();
});

async function appWithKey(env: Record<string, string>): Promise<TestApp & { create(url: string): Promise<{ statusCode: number; json(): any }> }> {
  const testApp = await buildTestApp(env);
  const { apiKey } = await createClientsService(testApp.deps).createClient('SSRF client');
  return {
    ...testApp,
    create: (url) => testApp.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: { authorization: `Bearer ${apiKey}` }, payload: { url } }),
  };
}

describe('SSRF protection in production', () => {
  it('refuses endpoints on loopback, by address or by a name that resolves to it', async () => {
    const app = await appWithKey({ NODE_ENV: 'production' });
    try {
      for (const url of [`http://127.0.0.1:${port}/hooks`, `http://127.9.9.9:${port}/`, `http://[::1]:${port}/`, `http://localhost:${port}/hooks`, `http://[::ffff:127.0.0.1]:${port}/`, `http://2130706433:${port}/`]) {
        const response = await app.create(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().error.details[0], url).toMatchObject({ field: 'url', message: expect.stringMatching(/loopback/) });
      }
      expect(await app.deps.models.WebhookEndpoint.countDocuments()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('lets them through with ALLOW_PRIVATE_WEBHOOK_URLS=true, and outside production', async () => {
    const envs: Array<Record<string, string>> = [{ NODE_ENV: 'production', ALLOW_PRIVATE_WEBHOOK_URLS: 'true' }, { NODE_ENV: 'test' }];
    for (const env of envs) {
      const app = await appWithKey(env);
      try {
        expect((await app.create(`http://127.0.0.1:${port}/hooks`)).statusCode).toBe(201);
      } finally {
        await app.close();
      }
    }
  });

  it('checks the address again at delivery time and connects only to the address it checked', async () => {
    const rebinding: Resolver = async (hostname) => (hostname === 'rebind.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const guarded = createDeliveryHttp({ blockPrivate: true, timeoutMs: 2_000, resolve: rebinding });
    const realDns = createDeliveryHttp({ blockPrivate: true, timeoutMs: 2_000 });
    const open = createDeliveryHttp({ blockPrivate: false, timeoutMs: 2_000, resolve: rebinding });
    try {
      const before = receiver.received.length;
      expect((await guarded.post(`http://rebind.test:${port}/hooks`, '{}', {})).error).toMatch(/^refused: rebind\.test resolves to a loopback address \(127\.0\.0\.1\)/);
      expect((await realDns.post(`http://localhost:${port}/hooks`, '{}', {})).error).toMatch(/^refused: localhost resolves to a loopback address/);
      expect((await guarded.post(`http://127.0.0.1:${port}/hooks`, '{}', {})).error).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
      expect((await guarded.post(`http://[::1]:${port}/hooks`, '{}', {})).error).toMatch(/^refused: ::1 is a loopback address/);
      expect(receiver.received.length).toBe(before);
      // Without the guard the same name reaches the resolved address: the lookup really decides where the socket goes.
      expect((await open.post(`http://rebind.test:${port}/hooks`, '{}', {})).statusCode).toBe(200);
      expect(receiver.received.length).toBe(before + 1);
    } finally {
      await Promise.all([guarded.close(), realDns.close(), open.close()]);
    }
  });

  it('a delivery to an endpoint whose host now resolves to loopback is refused and recorded, in the whole pipeline', async () => {
    const world = await createEventsWorld({ env: { NODE_ENV: 'production' } });
    try {
      // Stored directly, as if its name had resolved elsewhere when it was registered.
      const endpoint = await world.deps.models.WebhookEndpoint.create({
        clientId: world.clientId, url: `http://localhost:${port}/hooks`, events: ['optout.created'], secret: world.deps.keyRing.seal('whsec_test'),
      });
      const before = receiver.received.length;
      const sent = await world.api('POST', `/v1/webhook-endpoints/${endpoint._id}/test`);
      expect(sent.statusCode).toBe(202);
      const answer = await world.waitFor(async () => (await world.deps.models.EventDelivery.findById(sent.json().deliveryId).lean())?.answers?.[0], 'the refused attempt');
      expect(answer.error).toMatch(/^refused: localhost resolves to a loopback address/);
      expect(answer.statusCode).toBeUndefined();
      expect(receiver.received.length).toBe(before);
    } finally {
      await world.close();
    }
  });
});
