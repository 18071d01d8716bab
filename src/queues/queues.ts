/**
 * The BullMQ queues (producers). API processes enqueue through these; they share the
 * fail-fast Redis connection, so a Redis outage answers 503 at once instead of hanging a request.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { QUEUE_NAMES, type QueueName } from './names.js';

export type Queues = Record<QueueName, Queue>;

export function createQueues(connection: Redis, prefix: string, log: Logger): Queues {
  const queues = {} as Queues;
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (error) => log.warn({ err: error, queue: name }, 'queue error'));
    queues[name] = queue;
  }
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
