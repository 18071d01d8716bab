/** The processors this worker process runs; each feature adds its own here. */
import type { Deps } from '../src/deps.js';
import { QUEUE } from '../src/queues/names.js';
import { credentialCheckProcessor } from './processors/credential-check.processor.js';
import { maintenanceProcessor } from './processors/maintenance.processor.js';
import { sendProcessor } from './processors/send.processor.js';
import type { Reconciler } from './reconciler.js';
import type { SenderOptions } from './sending/outcomes.js';
import type { ProcessorSpec } from './start-workers.js';

/** Sends mostly wait on Meta's answer or on their pace slot, so one process runs many at once. */
export const SEND_CONCURRENCY = 200;

/**
 * A killed worker's sends are noticed within ~15 s (lock 10 s, stall check every 5 s) instead of
 * BullMQ's default minute, and a job may stall several times without being failed: the message
 * state in MongoDB, not the job, decides what happens next.
 */
const SEND_WORKER_OPTIONS = { concurrency: SEND_CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 10 };

export function processorSpecs(deps: Deps, reconciler: Reconciler, sender: SenderOptions = {}): ProcessorSpec[] {
  return [
    { queue: QUEUE.send, process: sendProcessor(deps, sender), options: SEND_WORKER_OPTIONS },
    { queue: QUEUE.credentialChecks, process: credentialCheckProcessor(deps), options: { concurrency: 4 } },
    { queue: QUEUE.maintenance, process: maintenanceProcessor(deps, reconciler), options: { concurrency: 2 } },
  ];
}
