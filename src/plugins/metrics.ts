/** `GET /metrics` in Prometheus text, and the per-request timing behind it (for every route). */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../metrics.js';

async function metrics(app: FastifyInstance, registryAndMetrics: Metrics) {
  app.addHook('onResponse', async (request, reply) => {
    registryAndMetrics.httpRequestDuration.observe({
      method: request.method,
      // The route pattern, not the URL, so ids do not explode the label set.
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(registryAndMetrics.registry.contentType);
    return registryAndMetrics.registry.metrics();
  });
}

// Not encapsulated: the timing hook must see every route of the app.
export const metricsRoutes = fp(metrics, { name: 'ocm-metrics' });
