/**
 * Job ids are message and event ids, so that enqueueing twice is harmless. The other side of that:
 * BullMQ keeps a finished job under its id (failed ones for a day) and silently ignores a new job
 * with the same id — so whoever enqueues a lost job again must clear a finished one first.
 */
import type { Queue } from 'bullmq';

/** True when a new job may take `id`: no job holds it, or only a finished one, now removed. */
export async function freeJobId(queue: Queue, id: string): Promise<boolean> {
  const state = await queue.getJobState(id);
  if (state === 'unknown') return true;
  if (state !== 'completed' && state !== 'failed') return false;
  await queue.remove(id);
  return true;
}
