/**
 * Builds the real app (or just its dependencies) on the run's real Redis and MongoDB, isolated
 * by a unique database name and Redis key prefix, with logs captured for secret-leak checks.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDeps, createDeps, type Deps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';

export interface TestDeps {
  deps: Deps;
  /** Every log line written so far, as raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    MONGO_URL: inject('mongoUrl'),
    REDIS_URL: inject('redisUrl'),
    LOG_LEVEL: 'info',
    CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SESSION_SECRET: randomBytes(24).toString('hex'),
    PUBLIC_BASE_URL: 'https://ocm.test',
    ...extra,
  };
}

/**
 * `shared`: use the default Redis key prefix and the database named in MONGO_URL, so separate
 * processes started with the same environment (npm run worker) work on the same data.
 */
export async function createTestDeps(env: Record<string, string> = {}, options: { shared?: boolean } = {}): Promise<TestDeps> {
  const config = loadConfig(testEnv(env));
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } });
  const name = uniqueName();
  const deps = await createDeps(config, {
    log: createLogger(config, 'ocm-test', sink),
    role: 'api',
    ...(options.shared ? {} : { keyPrefix: `{${name}}`, dbName: name }),
  });
  return {
    deps,
    logs,
    close: async () => {
      await deps.mongo.dropDatabase().catch(() => {});
      await closeDeps(deps);
    },
  };
}

export interface TestApp extends TestDeps {
  app: FastifyInstance;
}

export async function buildTestApp(env: Record<string, string> = {}, options: AppOptions & { shared?: boolean } = {}): Promise<TestApp> {
  const testDeps = await createTestDeps(env, { shared: options.shared });
  // The admin panel only where a test asks for it: loading AdminJS costs seconds per file.
  const app = await buildApp(testDeps.deps, { admin: false, ...options });
  await app.ready();
  return {
    ...testDeps,
    app,
    close: async () => {
      await app.close();
      await testDeps.close();
    },
  };
}
