/**
 * The worker's own small HTTP server on `WORKER_PORT` (never `PORT`): liveness, readiness and
 * metrics, so an orchestrator can probe workers the way it probes the API.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Deps } from '../src/deps.js';
import { registerErrorHandling } from '../src/plugins/error-handler.js';
import { healthRoutes } from '../src/plugins/health.js';
import { metricsRoutes } from '../src/plugins/metrics.js';

export async function buildWorkerHttp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger });
  registerErrorHandling(app);
  await app.register(metricsRoutes, deps.metrics);
  await app.register(healthRoutes, deps);
  return app;
}
