/**
 * What every benchmark stands on: an isolated Redis, a MongoDB (the same choice the tests make),
 * the engine's dependencies with a unique prefix and database, and the Graph API simulator in a
 * process of its own (as Meta is), plus the result type the report collects.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { closeDeps, createDeps, type Deps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { startMongo } from '../test/support/mongo-server.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { startRemoteSimulator, type RemoteSimulator } from '../test/helpers/remote-simulator.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchWorld {
  deps: Deps;
  meta: RemoteSimulator;
  mongoKind: string;
  stop(): Promise<void>;
}

export async function startBenchWorld(env: Record<string, string> = {}): Promise<BenchWorld> {
  const redis = await startRedisServer();
  const mongo = await startMongo();
  const meta = await startRemoteSimulator();
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGO_URL: `${mongo.uri}${name}`, REDIS_URL: redis.url,
    GRAPH_API_BASE_URL: meta.url, GRAPH_API_VERSION: 'v23.0', ...env,
  });
  const deps = await createDeps(config, { log: createLogger(config, 'bench'), role: 'dev' });
  return {
    deps,
    meta,
    mongoKind: mongo.kind,
    stop: async () => {
      await deps.mongo.dropDatabase().catch(() => {});
      await closeDeps(deps);
      await meta.stop();
      await mongo.stop();
      await redis.stop();
    },
  };
}

export function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** `--name a,b` as a list, or the fallback when the flag is absent. */
export function argList(name: string, fallback: string[]): string[] {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1].split(',').map((part) => part.trim()).filter(Boolean) : fallback;
}

export function printResults(title: string, results: BenchResult[]): void {
  console.log(`\n${title}`);
  for (const result of results) {
    console.log(`  ${result.name.padEnd(58)} ${String(result.value).padStart(12)} ${result.unit}${result.note ? `  (${result.note})` : ''}`);
  }
}

/** Runs a suite when its file is run directly (`npx tsx bench/x.bench.ts`), not when run.ts imports it. */
export function runIfMain(url: string, title: string, run: () => Promise<BenchResult[]>): void {
  if (url !== `file://${process.argv[1]}`) return;
  run().then((results) => printResults(title, results)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
