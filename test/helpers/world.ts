/**
 * A whole engine in one test process: the real app (listening on a real port, so the simulator's
 * webhooks can reach it), the worker runtime (send workers, dispatcher, reconciler), the Graph
 * API simulator over HTTP seeded with the sandbox account, and one client with an API key.
 */
import type { AddressInfo } from 'node:net';
import type { InjectOptions, Response } from 'light-my-request';
import { createClientsService } from '../../src/modules/clients/clients.service.js';
import { closeRedis, connectRedis, createRedis } from '../../src/redis.js';
import { createSimulator, seedSandbox, type SandboxSeed, type Simulator } from '../../src/simulator/index.js';
import { startWorkerRuntime, type RuntimeOptions, type WorkerRuntime } from '../../workers/runtime.js';
import { buildTestApp, type TestApp } from './build-app.js';

export interface World extends TestApp {
  sim: Simulator;
  seed: SandboxSeed;
  runtime: WorkerRuntime | undefined;
  clientId: string;
  apiKey: string;
  baseUrl: string;
  api(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Registers the sandbox credential and waits until verification says `connected`. */
  connectCredential(overrides?: Record<string, unknown>): Promise<string>;
  waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
}

export interface WorldOptions {
  workers?: boolean;
  /** Default key prefix and the database of MONGO_URL, for worker processes started beside it. */
  shared?: boolean;
  /** Mount the operator panel (off by default: it costs seconds to load). */
  admin?: boolean;
  env?: Record<string, string>;
  runtime?: RuntimeOptions;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const sim = await createSimulator();
  const seed = seedSandbox(sim);
  const testApp = await buildTestApp(
    { GRAPH_API_BASE_URL: sim.url, GRAPH_API_VERSION: 'v23.0', META_APP_SECRET: seed.appSecret, ...options.env },
    { shared: options.shared, admin: options.admin ?? false },
  );
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
  sim.setWebhookTarget({ url: `${baseUrl}/webhooks/whatsapp` });
  seedSandbox(sim, { webhookUrl: `${baseUrl}/webhooks/whatsapp` });

  const workerConnection = createRedis(testApp.deps.config.redisUrl!, 'worker');
  await connectRedis(workerConnection);
  const runtime = options.workers === false ? undefined
    : await startWorkerRuntime(testApp.deps, workerConnection, { dispatcherTickMs: 50, sender: { uncertainGraceMs: 2_000 }, ...options.runtime });
  const { clientId, apiKey } = await createClientsService(testApp.deps).createClient('Test client');

  const api: World['api'] = (method, url, body, headers = {}) => testApp.app.inject({
    method, url, headers: { authorization: `Bearer ${apiKey}`, ...headers }, ...(body === undefined ? {} : { payload: body as never }),
  });

  async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    ...testApp,
    sim,
    seed,
    runtime,
    clientId,
    apiKey,
    baseUrl,
    api,
    waitFor,
    async connectCredential(overrides = {}) {
      const created = await api('POST', '/v1/credentials', {
        name: 'Sandbox number', wabaId: seed.wabaId, phoneNumberId: seed.phoneNumberId, accessToken: seed.accessToken,
        appId: seed.appId, appSecret: seed.appSecret, ...overrides,
      });
      if (created.statusCode !== 201) throw new Error(`credential not created: ${created.body}`);
      const id = created.json().id as string;
      if (!runtime) await api('POST', `/v1/credentials/${id}/verify`);
      await waitFor(async () => (await api('GET', `/v1/credentials/${id}`)).json().status === 'connected', 'the credential to connect');
      return id;
    },
    close: async () => {
      await runtime?.stop();
      await closeRedis(workerConnection);
      await testApp.close();
      await sim.close();
    },
  };
}
