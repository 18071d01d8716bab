/**
 * The API under concurrent load (issue 9): autocannon against a listening API (workers running,
 * the simulator out of process) for single-message enqueue and for campaign creation. Reports
 * throughput, p50/p99 latency and every non-2xx answer; under the stated load there must be none.
 *
 * Run: npx tsx bench/load.bench.ts [--seconds 10] [--connections 32]
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import { createClientsService } from '../src/modules/clients/clients.service.js';
import { createCredentialsService } from '../src/modules/credentials/credentials.service.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { startWorkerRuntime } from '../workers/runtime.js';
import { arg, runIfMain, startBenchWorld, type BenchResult } from './support.js';

const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] };

export async function run(): Promise<BenchResult[]> {
  const seconds = arg('seconds', 10);
  const connections = arg('connections', 32);
  const world = await startBenchWorld();
  // The engine's capacity is measured, not the per-key limit (300 requests/s), which would answer the excess 429.
  const app = await buildApp(world.deps, { apiRateLimit: { max: 1_000_000, timeWindow: 10_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const connection = createRedis(world.deps.config.redisUrl!, 'worker');
  await connectRedis(connection);
  const runtime = await startWorkerRuntime(world.deps, connection);
  const results: BenchResult[] = [];
  try {
    await world.meta.admin('POST', '/setup', { phoneNumbers: [{ id: '200000000000001', wabaId: '100000000000001', messagingLimitTier: 'TIER_UNLIMITED', throughput: { level: 'HIGH' } }] });
    const { clientId, apiKey } = await createClientsService(world.deps).createClient('load');
    const credentials = createCredentialsService(world.deps);
    const credential = await credentials.create(clientId, { wabaId: '100000000000001', phoneNumberId: '200000000000001', accessToken: 'EAAOCMSandboxAccessToken0000000000000000000000000000000000000001' });
    await credentials.runVerification(credential.id);

    let n = 0;
    const enqueue = await autocannon({
      url: `${url}/v1/messages`, method: 'POST', connections, duration: seconds,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ credentialId: credential.id, to: `+4915${String(100000000 + n++)}`, template }) }) }],
    });
    results.push(
      { name: `POST /v1/messages, ${connections} connections, ${seconds} s`, value: Math.round(enqueue.requests.average), unit: 'requests/s', note: `${enqueue.requests.total} requests` },
      { name: 'POST /v1/messages latency p50 / p99', value: enqueue.latency.p50, unit: 'ms', note: `p99 ${enqueue.latency.p99} ms` },
      { name: 'POST /v1/messages non-2xx answers and errors', value: enqueue.non2xx + enqueue.errors + enqueue.timeouts, unit: 'answers' },
    );

    const recipients = Array.from({ length: 1000 }, (_, index) => ({ to: `+3361${String(1000000 + index)}` }));
    const campaigns = await autocannon({
      url: `${url}/v1/campaigns`, method: 'POST', connections: 4, duration: seconds,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'load', credentialId: credential.id, template, recipients, scheduledAt: '2099-01-01T00:00:00Z' }),
    });
    results.push(
      { name: `POST /v1/campaigns (1,000 recipients each), 4 connections`, value: Math.round(campaigns.requests.average * 10) / 10, unit: 'campaigns/s', note: `p50 ${campaigns.latency.p50} ms, p99 ${campaigns.latency.p99} ms, non-2xx ${campaigns.non2xx + campaigns.errors}` },
    );
  } finally {
    await runtime.stop();
    await closeRedis(connection);
    await app.close();
    await world.stop();
  }
  return results;
}

runIfMain(import.meta.url, 'load', run);
