/**
 * Everything a worker process runs, started and stopped together: the BullMQ workers, the
 * dispatcher loop and the reconciler (at start, then every minute through a job scheduler).
 * Used by `npm run worker`, `npm run dev` and the tests alike.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Deps } from '../src/deps.js';
import { startDispatcher, type Dispatcher } from './dispatcher.js';
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
  reconciler?: Parameters<typeof createReconciler>[1];
  sender?: SenderOptions;
}

export async function startWorkerRuntime(deps: Deps, connection: Redis, options: RuntimeOptions = {}): Promise<WorkerRuntime> {
  const reconciler = createReconciler(deps, options.reconciler);
  // Repair first: after a crash or an empty Redis, nothing should wait a minute to move again.
  try {
    const report = await reconciler.run();
    deps.log.info({ report }, 'reconciled at start');
  } catch (error) {
    deps.log.warn({ err: error }, 'reconciliation at start failed; the scheduled run will retry');
  }
  await scheduleMaintenance(deps);
  const workers = startWorkers(deps, connection, processorSpecs(deps, reconciler, options.sender));
  const dispatcher = startDispatcher(deps, { tickMs: options.dispatcherTickMs });
  return {
    workers,
    dispatcher,
    reconciler,
    async stop() {
      await dispatcher.stop();
      await stopWorkers(workers);
    },
  };
}
