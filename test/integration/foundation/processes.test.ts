import { describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { testEnv, uniqueName } from '../../helpers/build-app.js';
import { runEntry } from '../../helpers/processes.js';

describe('the API process', () => {
  it('refuses to start under production with bad configuration, one line per bad variable, before listening', async () => {
    const port = await freePort();
    const server = runEntry('src/server.ts', {
      NODE_ENV: 'production', PORT: String(port), MONGO_URL: 'mongo://nowhere', SESSION_SECRET: 'too-short',
      REDIS_URL: 'redis://127.0.0.1:6399', CREDENTIALS_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    const { code } = await server.exited;
    expect(code).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^config error: MONGO_URL: must be a URL like mongodb:\/\//),
      expect.stringMatching(/^config error: SESSION_SECRET: must be at least 32 characters long/),
    ]);
    expect(server.output()).not.toContain('listening');
  });

  it('serves, then shuts down gracefully on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const env = testEnv({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'info' });
    const server = runEntry('src/server.ts', { ...env, MONGO_URL: `${env.MONGO_URL}${uniqueName('proc')}` });
    await server.waitFor(/Server listening/);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const { code } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.output()).toContain('shutting down');
  });
});

describe('the worker process', () => {
  it('serves health on WORKER_PORT only, and exits 0 on SIGTERM', async () => {
    const workerPort = await freePort();
    const apiPort = await freePort();
    const env = testEnv({ PORT: String(apiPort), WORKER_PORT: String(workerPort), HOST: '127.0.0.1' });
    const worker = runEntry('workers/main.ts', { ...env, MONGO_URL: `${env.MONGO_URL}${uniqueName('proc')}` });
    await worker.waitFor(/worker started/);
    expect((await fetch(`http://127.0.0.1:${workerPort}/health/live`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${workerPort}/metrics`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${apiPort}/health/live`)).rejects.toThrow();
    const { code } = await worker.stop('SIGTERM');
    expect(code).toBe(0);
    expect(worker.output()).toContain('worker stopped');
  });
});
