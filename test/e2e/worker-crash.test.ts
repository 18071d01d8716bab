/**
 * A worker process killed with SIGKILL mid-campaign, then started again: every message ends in
 * a final state and none that Meta accepted is sent twice (invariants 1 and 2). The API runs in
 * this process; the worker is the real `workers/main.ts` in its own process.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startRedisServer, type RedisHandle } from '../support/redis-server.js';
import { runEntry, type RunningProcess } from '../helpers/processes.js';
import { uniqueName } from '../helpers/build-app.js';
import { createWorld, type World } from '../helpers/world.js';

let redis: RedisHandle;
let world: World;
let env: Record<string, string>;
const workers: RunningProcess[] = [];

function startWorker() {
  const worker = runEntry('workers/main.ts', { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  redis = await startRedisServer();
  env = {
    REDIS_URL: redis.url,
    MONGO_URL: `${inject('mongoUrl')}${uniqueName('crash')}`,
    CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SESSION_SECRET: randomBytes(24).toString('hex'),
  };
  world = await createWorld({ workers: false, shared: true, env });
  env.GRAPH_API_BASE_URL = world.sim.url;
  env.GRAPH_API_VERSION = 'v23.0';
  env.META_APP_SECRET = world.seed.appSecret;
});

afterAll(async () => {
  for (const worker of workers) await worker.stop('SIGKILL');
  await world?.close();
  await redis?.stop();
});

describe('a worker killed mid-send', () => {
  it('loses nothing and sends nothing twice once a worker is back', async () => {
    const first = startWorker();
    const credentialId = await world.connectCredential({ messagesPerSecond: 30 });
    const created = (await world.api('POST', '/v1/campaigns', {
      name: 'crash', credentialId,
      template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
      recipients: Array.from({ length: 150 }, (_, n) => ({ to: `+4479${String(11000000 + n)}` })),
    })).json();
    await world.waitFor(async () => (await world.api('GET', `/v1/campaigns/${created.id}`)).json().counts.queued < 120, 'the first sends');

    await first.stop('SIGKILL');
    const atKill = (await world.api('GET', `/v1/campaigns/${created.id}`)).json();
    expect(atKill.status).toBe('running');
    startWorker();

    const done = await world.waitFor(async () => {
      const campaign = (await world.api('GET', `/v1/campaigns/${created.id}`)).json();
      return campaign.status === 'completed' && campaign;
    }, 'completion after the restart', 80_000);
    expect(done.counts.total).toBe(150);
    expect(done.counts.failed).toBe(0);

    const accepted = world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).filter((request) => request.outcome === 'accepted');
    const perRecipient = new Map<string, number>();
    for (const request of accepted) perRecipient.set(request.recipient!, (perRecipient.get(request.recipient!) ?? 0) + 1);
    expect(perRecipient.size).toBe(150);
    expect([...perRecipient.entries()].filter(([, count]) => count > 1)).toEqual([]);
  }, 120_000);
});
