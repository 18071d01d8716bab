/**
 * The whole system as an operator runs it, each part its own process: the API (`src/server.ts`)
 * and a worker (`workers/main.ts`) in production mode, the Graph API simulator posting signed
 * webhooks to the API, a redis-server of the stack's own (so it can be restarted empty), and
 * MongoDB behind a TCP relay (so it can be taken away and brought back). The client and its API
 * key come from the CLI. Tests drive it over HTTP only and read MongoDB and Redis to check.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { MongoClient, type Db } from 'mongodb';
import { afterEach, inject } from 'vitest';
import { DEFAULT_KEY_PREFIX, QUEUE } from '../../src/queues/names.js';
import { SANDBOX_IDS } from '../../src/simulator/sandbox.js';
import { freePort } from '../support/free-port.js';
import { startRedisServer, type RedisHandle } from '../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { uniqueName } from './build-app.js';
import { runEntry, type RunningProcess } from './processes.js';
import { startRemoteSimulator, type RemoteSimulator } from './remote-simulator.js';

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface Stack {
  baseUrl: string;
  apiKey: string;
  sim: RemoteSimulator;
  /** Direct to MongoDB (not through the relay), for the test's own checks. */
  db: Db;
  redis: RedisHandle;
  mongoRelay: TcpProxy;
  apiProcess: RunningProcess;
  worker: RunningProcess;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  startWorker(): Promise<RunningProcess>;
  /** Stops redis-server and starts an empty one on the same port. */
  restartRedisEmpty(): Promise<void>;
  /** Registers the sandbox number and waits until the worker's verification says `connected`. */
  connectCredential(overrides?: Record<string, unknown>): Promise<string>;
  /** Send, webhook and event jobs still in Redis (waiting, active, delayed or prioritized). */
  jobsLeft(): Promise<number>;
  waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  /** The last lines each process wrote, for a failing test's report. */
  tails(lines?: number): string;
  close(): Promise<void>;
}

export async function startStack(options: { env?: Record<string, string> } = {}): Promise<Stack> {
  const mongoUrl = new URL(inject('mongoUrl'));
  const dbName = uniqueName('stack');
  const [redis, mongoRelay, apiPort] = await Promise.all([
    startRedisServer(),
    startTcpProxy({ host: mongoUrl.hostname, port: Number(mongoUrl.port) }),
    freePort(),
  ]);
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const sim = await startRemoteSimulator({
    SIMULATOR_WEBHOOK_URL: `${baseUrl}/webhooks/whatsapp`, SIMULATOR_STATUS_INTERVAL_MS: '20',
  });
  // Meta's retry schedule, shortened: a delivery refused during an outage comes back in seconds.
  await sim.admin('PATCH', '/webhook-settings', { retryDelaysMs: [500, 1_000, 2_000, 4_000, 8_000, 16_000], timeoutMs: 5_000 });

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    // The processes say when they are ready at info level.
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    MONGO_URL: `mongodb://127.0.0.1:${mongoRelay.port}/${dbName}`,
    REDIS_URL: redis.url,
    PUBLIC_BASE_URL: baseUrl,
    CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SESSION_SECRET: randomBytes(24).toString('hex'),
    ADMIN_EMAIL: 'ops@example.com',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    META_VERIFY_TOKEN: randomBytes(8).toString('hex'),
    GRAPH_API_BASE_URL: sim.url,
    GRAPH_API_VERSION: 'v23.0',
    ...options.env,
  };
  const mongo = await MongoClient.connect(inject('mongoUrl'));
  const db = mongo.db(dbName);

  const processes: RunningProcess[] = [];
  const launch = async (entry: string, ready: RegExp) => {
    const running = runEntry(entry, env);
    processes.push(running);
    await running.waitFor(ready, 60_000);
    return running;
  };
  const cli = async (...args: string[]) => {
    const run = runEntry('src/cli/main.ts', env, args);
    const { code } = await run.exited;
    if (code !== 0) throw new Error(`cli ${args[0]} failed:\n${run.output()}`);
    return JSON.parse(run.output().trim().split('\n').pop()!);
  };

  const queues = [QUEUE.send, QUEUE.webhookEvents, QUEUE.outboundEvents, QUEUE.credentialChecks]
    .map((name) => new Queue(name, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: DEFAULT_KEY_PREFIX }));

  let currentRedis = redis;
  const stopAll = async () => {
    for (const running of processes) await running.stop('SIGKILL');
    for (const queue of queues) await queue.close().catch(() => {});
    await sim.stop();
    await db.dropDatabase().catch(() => {});
    await mongo.close();
    await mongoRelay.close();
    await currentRedis.stop();
  };
  let apiProcess: RunningProcess, worker: RunningProcess, apiKey: string;
  try {
    apiProcess = await launch('src/server.ts', /Server listening/);
    ({ apiKey } = await cli('clients:create', '--name', 'End-to-end client'));
    worker = await launch('workers/main.ts', /worker started/);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const stack: Stack = {
    baseUrl, apiKey, sim, db, redis, mongoRelay, apiProcess, worker,
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async startWorker() {
      stack.worker = await launch('workers/main.ts', /worker started/);
      return stack.worker;
    },
    async restartRedisEmpty() {
      await currentRedis.stop();
      currentRedis = stack.redis = await startRedisServer({ port: redis.port });
    },
    async connectCredential(overrides = {}) {
      const created = await stack.api('POST', '/v1/credentials', {
        name: 'Sandbox number', wabaId: SANDBOX_IDS.wabaId, phoneNumberId: SANDBOX_IDS.phoneNumberId,
        accessToken: SANDBOX_IDS.accessToken, appId: SANDBOX_IDS.appId, appSecret: SANDBOX_IDS.appSecret, ...overrides,
      });
      if (created.status !== 201) throw new Error(`credential not created: ${JSON.stringify(created.body)}`);
      const id = created.body.id as string;
      await stack.waitFor(async () => (await stack.api('GET', `/v1/credentials/${id}`)).body.status === 'connected', 'the credential to connect', 30_000);
      return id;
    },
    async jobsLeft() {
      let left = 0;
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        left += Object.values(counts).reduce((sum, n) => sum + n, 0);
      }
      return left;
    },
    async waitFor(probe, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe().catch(() => undefined);
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    tails(lines = 15) {
      return processes.map((running) => `--- ${running.child.spawnargs.slice(-1)[0]} (pid ${running.child.pid})\n${running.output().trim().split('\n').slice(-lines).join('\n')}`).join('\n');
    },
    close: stopAll,
  };
  return stack;
}

/** Prints the last lines of every process of the stack when a test of the file fails. */
export function printTailsOnFailure(current: () => Stack | undefined): void {
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(current()?.tails());
  });
}
