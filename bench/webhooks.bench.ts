/**
 * Meta webhook ingestion and processing, through the real app and event worker on a real Redis
 * and the MongoDB tests use (MONGO_URL, else a local mongod, else the stand-in):
 * - the answer time of a single-update delivery, one at a time (Meta asks for a median < 250 ms);
 * - ingestion of single-update deliveries (requests/s, p50/p99 answer time);
 * - ingestion of 1,000-update deliveries (status updates/s, p99 answer time);
 * - processing: how fast the event worker drains what was ingested (status updates/s), the
 *   single-update deliveries (Meta's usual shape) apart from the 1,000-update ones.
 * Ingestion runs with no worker consuming, so the two are measured apart.
 *
 * Run: npx tsx bench/webhooks.bench.ts [--messages 10000] [--singles 10000]
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { Pool } from 'undici';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { closeDeps, createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { QUEUE } from '../src/queues/names.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { webhookEventProcessor } from '../workers/processors/webhook-event.processor.js';
import { WEBHOOK_EVENT_CONCURRENCY } from '../workers/processors.js';
import { startWorkers, stopWorkers } from '../workers/start-workers.js';
import { MARKETING_PRICING, metaBytes, metaSignature, statusItem, statusesEnvelope } from '../test/fixtures/meta/index.js';
import { startMongo } from '../test/support/mongo-server.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { runIfMain, type BenchResult } from './support.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

const IDS = { wabaId: '100000000000991', phoneNumberId: '200000000000991' };
const APP_SECRET = 'bench-app-secret';
const T = 1_760_000_000;
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** Posts every body with `concurrency` in flight; answer times in ms. */
async function blast(pool: Pool, bodies: Buffer[], concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = performance.now();
      const response = await pool.request({
        method: 'POST', path: '/webhooks/whatsapp', body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, APP_SECRET) },
      });
      await response.body.dump();
      latencies.push(performance.now() - t0);
      if (response.statusCode !== 200) failures++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
}

async function seedMessages(deps: Deps, count: number) {
  const clientId = new Types.ObjectId();
  const credential = await deps.models.Credential.create({
    clientId, ...IDS, verifyToken: randomBytes(12).toString('hex'), status: 'connected',
    accessToken: deps.keyRing.seal('EAAbench'), appSecret: deps.keyRing.seal(APP_SECRET),
  });
  const campaignId = new Types.ObjectId();
  const now = new Date();
  for (let start = 0; start < count; start += 5_000) {
    await deps.models.Message.insertMany(Array.from({ length: Math.min(5_000, count - start) }, (_, j) => ({
      _id: new Types.ObjectId(), clientId, campaignId, credentialId: credential._id, to: `5511${String(start + j).padStart(9, '0')}`,
      kind: 'template', status: 'accepted', wamid: `wamid.BENCH_${start + j}`, attempts: 1, createdAt: now, updatedAt: now,
      statusHistory: [{ status: 'queued', at: now }, { status: 'sending', at: now }, { status: 'accepted', at: now }],
    })), { lean: true });
  }
  await deps.models.Campaign.create({
    _id: campaignId, clientId, credentialId: credential._id, name: 'bench', status: 'completed',
    template: { name: 'bench', language: 'en_US', category: 'MARKETING' }, counts: { total: count, accepted: count },
  });
  return campaignId;
}

async function drain(deps: Deps, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((await deps.models.WebhookEvent.countDocuments({ status: 'pending' })) > 0) {
    if (Date.now() > deadline) throw new Error('the event worker did not drain the backlog in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function run(): Promise<BenchResult[]> {
  const messages = arg('messages', 10_000);
  const singles = Math.min(arg('singles', 10_000), messages);
  const redis = process.env.REDIS_URL ? undefined : await startRedisServer();
  const mongo = await startMongo();
  const name = `bench_webhooks_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGO_URL: `${mongo.uri}${name}`, REDIS_URL: process.env.REDIS_URL ?? redis!.url,
    CREDENTIALS_KEYS: `b1:${randomBytes(32).toString('base64')}`, SESSION_SECRET: randomBytes(24).toString('hex'),
  });
  const deps = await createDeps(config, { log: createLogger(config, 'bench'), role: 'dev', keyPrefix: `{${name}}`, dbName: name });
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const pool = new Pool(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, { connections: 16 });
  const workerRedis = createRedis(config.redisUrl!, 'worker');
  try {
    const campaignId = await seedMessages(deps, messages);
    const wamid = (i: number) => `wamid.BENCH_${i}`;
    const envelope = (statuses: Array<Record<string, unknown>>) => metaBytes(statusesEnvelope(statuses, IDS));

    // Single-update deliveries: `sent` for the first messages, one per POST. As Meta does, `sent`
    // and `delivered` carry the pricing (meta-cloud-api.md §4.5).
    const pricing = MARKETING_PRICING;
    const singleBodies = Array.from({ length: singles }, (_, i) => envelope([statusItem({ wamid: wamid(i), status: 'sent', at: T, pricing })]));
    await blast(pool, singleBodies.slice(0, 100), 16); // warm-up (JIT, connections); these are part of the backlog too
    const serial = await blast(pool, singleBodies.slice(100, 200), 1);
    const single = await blast(pool, singleBodies.slice(200), 16);

    // Processing: one worker process's webhook consumer drains the backlog, single deliveries
    // first (Meta's usual shape), then the batched ones.
    await connectRedis(workerRedis);
    const drainBacklog = async () => {
      const started = performance.now();
      const workers = startWorkers(deps, workerRedis, [{ queue: QUEUE.webhookEvents, process: webhookEventProcessor(deps), options: { concurrency: WEBHOOK_EVENT_CONCURRENCY } }]);
      await drain(deps, 600_000);
      const seconds = (performance.now() - started) / 1000;
      await stopWorkers(workers);
      return seconds;
    };
    const singlesSeconds = await drainBacklog();

    // Batched deliveries: delivered and read for every message, shuffled into deliveries of 1,000.
    const batched = Array.from({ length: messages }, (_, i) => [
      statusItem({ wamid: wamid(i), status: 'delivered', at: T + 5, pricing }), statusItem({ wamid: wamid(i), status: 'read', at: T + 9 }),
    ]).flat().sort(() => Math.random() - 0.5);
    const batchBodies = Array.from({ length: Math.ceil(batched.length / 1000) }, (_, b) => envelope(batched.slice(b * 1000, (b + 1) * 1000)));
    const batch = await blast(pool, batchBodies, 4);
    const batchedSeconds = await drainBacklog();
    const counts = (await deps.models.Campaign.findById(campaignId, { counts: 1 }).lean())?.counts as unknown as Record<string, number>;
    if (counts.read !== messages) throw new Error(`expected ${messages} read, got ${JSON.stringify(counts)}`);

    return [
      { name: 'webhooks: answer time, 1 update per delivery, one at a time', value: round(serial.p50, 1), unit: 'ms (p50)', note: `p99 ${round(serial.p99, 1)} ms` },
      { name: 'webhooks: ingestion, 1 update per delivery (16 concurrent)', value: round((singles - 200) / single.seconds), unit: 'requests/s', note: `p50 ${round(single.p50, 1)} ms, p99 ${round(single.p99, 1)} ms, ${single.failures} non-200` },
      { name: 'webhooks: ingestion, 1,000 updates per delivery (4 concurrent)', value: round(batched.length / batch.seconds), unit: 'status updates/s', note: `${batchBodies.length} deliveries of ~${round(batchBodies[0].length / 1024)} KiB, p50 ${round(batch.p50, 1)} ms, p99 ${round(batch.p99, 1)} ms, ${batch.failures} non-200` },
      { name: 'webhooks: processing by one worker, 1 update per delivery', value: round(singles / singlesSeconds), unit: 'status updates/s', note: `${singles} deliveries (\`sent\`, priced) drained in ${round(singlesSeconds, 1)} s; MongoDB: ${mongo.kind}` },
      { name: 'webhooks: processing by one worker, 1,000 updates per delivery', value: round(batched.length / batchedSeconds), unit: 'status updates/s', note: `${batched.length} updates (\`delivered\` priced, \`read\`) shuffled, drained in ${round(batchedSeconds, 1)} s` },
    ];
  } finally {
    await pool.close();
    await app.close();
    await closeRedis(workerRedis).catch(() => {});
    await deps.mongo.dropDatabase().catch(() => {});
    await closeDeps(deps);
    await mongo.stop();
    await redis?.stop();
  }
}

runIfMain(import.meta.url, 'webhooks', run);
