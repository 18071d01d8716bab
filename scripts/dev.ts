/**
 * `npm run dev`: the whole system in one process — API, workers (and later the admin panel) —
 * on a MongoDB and a Redis it finds or starts itself, so a newcomer needs nothing else.
 * `SANDBOX=1` also starts the Graph API simulator and points the sender at it.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from '../src/app.js';
import { loadConfigOrExit, withOverrides } from '../src/config.js';
import { closeDeps, createDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { describeAdminLogin, seedFirstOperator } from '../admin/seed-operator.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { startMongo } from '../test/support/mongo-server.js';
import { hasRedisServerBinary, startRedisServer } from '../test/support/redis-server.js';
import { startWorkerRuntime } from '../workers/runtime.js';
import { sandboxInstructions, seedSandboxClient, startSandboxSimulator } from './sandbox.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: Array<() => Promise<void>> = [];

async function main() {
  let config = loadConfigOrExit();

  if (!config.redisUrl) {
    if (!hasRedisServerBinary()) {
      say('Redis is needed: set REDIS_URL, or install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) and run npm run dev again.');
      process.exit(1);
    }
    const redis = await startRedisServer();
    cleanups.push(redis.stop);
    config = withOverrides(config, { redisUrl: redis.url });
    say(`Redis: started redis-server at ${redis.url} (stopped on exit).`);
  }
  if (!config.mongoUrl) {
    const mongo = await startMongo({});
    cleanups.push(mongo.stop);
    config = withOverrides(config, { mongoUrl: `${mongo.uri}ocm` });
    say(mongo.reason);
  }

  const sandbox = config.sandbox ? await startSandboxSimulator(`http://127.0.0.1:${config.port}/webhooks/whatsapp`) : undefined;
  if (sandbox) {
    cleanups.push(() => sandbox.sim.close());
    config = withOverrides(config, {
      graphApiBaseUrl: sandbox.seed.graphApiBaseUrl,
      graphApiVersion: sandbox.seed.graphApiVersion,
      metaAppSecret: config.metaAppSecret ?? sandbox.seed.appSecret,
    });
  }

  const log = createLogger(config, 'ocm-dev');
  if (config.generatedSecrets.length > 0) {
    say(`Development values were generated for ${config.generatedSecrets.join(', ')}; they change on every start.`);
  }
  const deps = await createDeps(config, { log, role: 'dev' });
  cleanups.unshift(() => closeDeps(deps));
  const adminLogin = await seedFirstOperator(deps, { generateWhenUnset: true });
  const app = await buildApp(deps);
  const workerConnection = createRedis(config.redisUrl!, 'worker');
  await connectRedis(workerConnection);
  const runtime = await startWorkerRuntime(deps, workerConnection);
  cleanups.unshift(async () => { await runtime.stop(); await closeRedis(workerConnection); });
  cleanups.unshift(() => app.close());

  await app.listen({ port: config.port, host: config.host });
  const base = `http://localhost:${config.port}`;
  say(`API:      ${base}/v1  (OpenAPI UI: ${base}/docs)`);
  say(`Health:   ${base}/health/ready   Metrics: ${base}/metrics`);
  say(`Webhook:  ${config.publicBaseUrl}/webhooks/whatsapp`);
  say(describeAdminLogin(`${base}/admin`, adminLogin));
  if (sandbox) {
    const demo = await seedSandboxClient(deps, sandbox.seed);
    for (const line of sandboxInstructions(base, demo, sandbox.seed)) say(line);
  }
}

async function shutdown() {
  for (const cleanup of cleanups.splice(0)) {
    try { await cleanup(); } catch { /* keep closing the rest */ }
  }
}

closeWithGrace({ delay: 20_000 }, async ({ err }) => {
  if (err) process.stderr.write(`${err.stack ?? err.message}\n`);
  await shutdown();
});

main().catch(async (error) => {
  process.stderr.write(`npm run dev could not start: ${(error as Error).message}\n`);
  await shutdown();
  process.exit(1);
});
