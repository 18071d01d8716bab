/**
 * The Graph API simulator in a process of its own (`npm run simulator`), driven through its admin
 * HTTP API, for tests whose measurements must not share an event loop with the engine.
 */
import { freePort } from '../support/free-port.js';
import { runEntry, type RunningProcess } from './processes.js';

export interface RemoteSimulator {
  url: string;
  admin<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startRemoteSimulator(env: Record<string, string> = {}): Promise<RemoteSimulator> {
  const port = await freePort();
  const process: RunningProcess = runEntry('src/simulator/main.ts', {
    SIMULATOR_PORT: String(port), SIMULATOR_HOST: '127.0.0.1', SIMULATOR_LOG_LEVEL: 'warn', ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${url}/_sim/stats`)).ok) break;
    } catch {
      if (attempt > 200 || process.child.exitCode !== null) throw new Error(`the simulator did not start:\n${process.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    async admin(method, path, body) {
      const response = await fetch(`${url}/_sim${path}`, {
        method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`);
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as never;
    },
    stop: async () => { await process.stop('SIGTERM'); },
  };
}
