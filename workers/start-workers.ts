/**
 * Starts one BullMQ Worker per queue that has a processor. Workers share one Redis connection
 * configuration with `maxRetriesPerRequest: null` (BullMQ duplicates it for blocking reads).
 */
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Deps } from '../src/deps.js';
import type { QueueName } from '../src/queues/names.js';

export interface ProcessorSpec {
  queue: QueueName;
  process: Processor;
  options?: Partial<Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'maxStalledCount' | 'stalledInterval'>>;
}

export function startWorkers(deps: Deps, connection: Redis, specs: ProcessorSpec[]): Worker[] {
  return specs.map((spec) => {
    const worker = new Worker(spec.queue, spec.process, {
      connection,
      prefix: deps.keyPrefix,
      concurrency: 1,
      ...spec.options,
    });
    worker.on('error', (error) => deps.log.warn({ err: error, queue: spec.queue }, 'worker error'));
    worker.on('failed', (job, error) => {
      deps.log.warn({ queue: spec.queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, 'job failed');
    });
    return worker;
  });
}

/** Waits for in-flight jobs to finish, then disconnects; jobs not started stay queued for others. */
export async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.close()));
}
