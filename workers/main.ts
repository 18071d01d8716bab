/**
 * Worker process entry point (`npm run worker`; run as many as you like). On SIGTERM it stops
 * taking jobs, finishes and records the ones in flight, closes its connections and exits 0.
 */
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit } from '../src/config.js';
import { closeDeps, createDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { startWorkerRuntime } from './runtime.js';
import { buildWorkerHttp } from './worker-http.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'ocm-worker');

try {
  const deps = await createDeps(config, { log, role: 'worker' });
  const connection = createRedis(config.redisUrl!, 'worker');
  await connectRedis(connection);
  const runtime = await startWorkerRuntime(deps, connection);
  const http = config.workerPort ? await buildWorkerHttp(deps) : undefined;

  closeWithGrace({ delay: 60_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an uncaught error');
    else log.info({ signal }, 'shutting down: finishing jobs in flight');
    await http?.close();
    await runtime.stop();
    await closeRedis(connection);
    await closeDeps(deps);
    log.info('worker stopped');
  });
  if (http) await http.listen({ port: config.workerPort!, host: config.host });
  log.info({ queues: runtime.workers.map((worker) => worker.name) }, 'worker started');
} catch (error) {
  log.fatal({ err: error }, `could not start: ${(error as Error).message}`);
  process.exit(1);
}
