/**
 * Everything a worker process runs, started and stopped together: the BullMQ workers, the
 * dispatcher loop and the reconciler (at start, then every 15 seconds). The reconciler's timer lives
 * in the process, not in Redis, so that it keeps running after Redis lost everything — which is
 * exactly when it is needed. Used by `npm run worker`, `npm run dev` and the tests alike.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Deps } from '../src/deps.js';
import { startDispatcher, type Dispatcher } from './dispatcher.js';
import { startOutboundEvents, type OutboundEventsOptions } from './events/outbound-runtime.js';
import { scheduleMaintenance } from './processors/maintenance.processor.js';
import { processorSpecs } from './processors.js';
import { createReconciler, type Reconciler } from './reconciler.js';
import type { SenderOptions } from './sending/outcomes.js';
import { startWorkers, stopWorkers } from './start-workers.js';

export interface WorkerRuntime {
  workers: Worker[];
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  dispatcherTickMs?: number;
  /** How often the reconciler runs (one process at a time, by a Redis lock). @defaultValue 15 s */
  reconcileEveryMs?: number;
  /** How often Redis is checked for lost data. @defaultValue 1 s */
  redisLossCheckMs?: number;
  reconciler?: Parameters<typeof createReconciler>[1];
  sender?: SenderOptions;
  /** Outbound events to clients' endpoints (tests shrink the retry schedule and timeout). */
  events?: OutboundEventsOptions;
}

const RECONCILE_EVERY_MS = 15_000;
/**
 * How often a worker checks that Redis still holds its marker key. A missing marker means Redis
 * was flushed or restarted empty: every job is gone, so the repair runs at once rather than at
 * the next period, without waiting out the grace for releases that might still be on their way.
 */
const REDIS_LOSS_CHECK_MS = 1_000;

export async function startWorkerRuntime(deps: Deps, connection: Redis, options: RuntimeOptions = {}): Promise<WorkerRuntime> {
  const reconciler = createReconciler(deps, options.reconciler);
  const everyMs = options.reconcileEveryMs ?? RECONCILE_EVERY_MS;
  const lockKey = `${deps.keyPrefix}:reconcile-lock`;
  const markerKey = `${deps.keyPrefix}:alive`;
  let reconciling: Promise<void> | undefined;

  const reconcile = async (force: boolean, redisLost = false) => {
    try {
      // One process reconciles per period; the others skip. At start every process does it.
      if (!force && (await deps.redis.set(lockKey, String(process.pid), 'PX', Math.max(1_000, everyMs - 500), 'NX')) !== 'OK') return;
      const report = await reconciler.run({ redisLost });
      // Re-creates the job schedulers too, in case Redis lost them.
      await scheduleMaintenance(deps);
      deps.log.info({ report }, 'reconciled');
    } catch (error) {
      deps.log.warn({ err: error }, 'reconciliation failed; it runs again next period');
    }
  };

  // Repair first: after a crash or an empty Redis, nothing should wait a minute to move again.
  await deps.redis.set(markerKey, String(Date.now()));
  await reconcile(true);
  const outbound = startOutboundEvents(deps, options.events);
  const workers = startWorkers(deps, connection, processorSpecs(deps, reconciler, options.sender, outbound.deliverer));
  const dispatcher = startDispatcher(deps, { tickMs: options.dispatcherTickMs });
  const timer = setInterval(() => {
    reconciling ??= reconcile(false).finally(() => { reconciling = undefined; });
  }, everyMs);
  const lossTimer = setInterval(() => {
    // SET NX succeeds only where the marker is gone; the first process to notice repairs.
    deps.redis.set(markerKey, String(Date.now()), 'NX').then(async (created) => {
      if (created !== 'OK') return;
      deps.log.warn('Redis lost its data (flushed or restarted empty): reconciling now');
      await reconciling;
      reconciling = reconcile(true, true).finally(() => { reconciling = undefined; });
    }, () => { /* Redis unreachable: checked again in a second */ });
  }, options.redisLossCheckMs ?? REDIS_LOSS_CHECK_MS);
  return {
    workers,
    dispatcher,
    reconciler,
    async stop() {
      clearInterval(timer);
      clearInterval(lossTimer);
      await reconciling;
      await dispatcher.stop();
      await outbound.stop();
      await stopWorkers(workers);
      await outbound.close();
    },
  };
}
