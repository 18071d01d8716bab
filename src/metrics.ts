/**
 * Prometheus metrics. One registry per process (not prom-client's global one), so tests can
 * build several apps in one process and every metric is declared in this one place.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(role: 'api' | 'worker' | 'dev') {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'ocm_http_request_duration_seconds',
      help: 'HTTP request duration by route and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'ocm_http_errors_total',
      help: 'HTTP error answers by error code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    sends: new Counter({
      name: 'ocm_sends_total',
      help: 'Send attempts to the Graph API by outcome (accepted, retry, failed, throttled, paused, uncertain) and Meta error code.',
      labelNames: ['outcome', 'code'] as const,
      registers: [registry],
    }),
    graphLatency: new Histogram({
      name: 'ocm_graph_api_duration_seconds',
      help: 'Graph API send latency.',
      labelNames: ['result'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    }),
    limiterWait: new Histogram({
      name: 'ocm_limiter_wait_seconds',
      help: 'Time a send waited for its slot in the per-number pace.',
      buckets: [0, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    released: new Counter({
      name: 'ocm_dispatcher_released_total',
      help: 'Messages the dispatcher released to the send queue.',
      registers: [registry],
    }),
    webhooksReceived: new Counter({
      name: 'ocm_webhook_deliveries_received_total',
      help: 'Meta webhook deliveries accepted (signature verified and stored), by each field they carry.',
      labelNames: ['field'] as const,
      registers: [registry],
    }),
    webhookSignatureFailures: new Counter({
      name: 'ocm_webhook_signature_failures_total',
      help: 'Meta webhook deliveries refused with 401, by reason (missing, malformed, no_secret, mismatch).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhooksProcessed: new Counter({
      name: 'ocm_webhook_updates_processed_total',
      help: 'Meta webhook updates processed by the event worker, by field and outcome (applied, unchanged, unhandled, orphaned).',
      labelNames: ['field', 'outcome'] as const,
      registers: [registry],
    }),
    webhookLag: new Histogram({
      name: 'ocm_webhook_processing_lag_seconds',
      help: 'Time from receiving a Meta webhook delivery to finishing its processing.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'ocm_reconciler_repairs_total',
      help: 'Repairs made by the reconciler, by kind.',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
