/**
 * Keeps the outbox honest, every half minute from the mover: deliveries handed to a queue job
 * that no longer exists (Redis flushed, a crash between marking and enqueueing) go back to
 * pending; pending deliveries older than the retry schedule (never attempted because their
 * endpoint kept failing) are given up; and every endpoint with pending work gets its due hint
 * back, so a hint lost in a crash delays nothing for long. MongoDB is the truth, as for messages.
 */
import type { Deps } from '../../src/deps.js';
import { markEndpointsDue } from '../../src/modules/events/due-hint.js';
import type { RetryPolicy } from '../../src/modules/events/retry-policy.js';
import { QUEUE } from '../../src/queues/names.js';

/** A queued delivery whose job is this old and gone has lost its job. */
const LOST_AFTER_MS = 60_000;
const BATCH = 1_000;

export function createDeliveryHousekeeping(deps: Deps, retry: RetryPolicy) {
  const { EventDelivery, WebhookEndpoint } = deps.models;
  const queue = deps.queues[QUEUE.outboundEvents];

  async function requeueLostJobs(now: Date): Promise<number> {
    const queued = await EventDelivery.find({ status: 'queued', queuedAt: { $lt: new Date(now.getTime() - LOST_AFTER_MS) } }, { _id: 1, attempts: 1, endpointId: 1 })
      .limit(BATCH).lean();
    const states = await Promise.all(queued.map((delivery) => queue.getJobState(`${delivery._id}-${delivery.attempts}`)));
    const lost = queued.filter((_, index) => ['unknown', 'completed', 'failed'].includes(states[index]));
    if (lost.length === 0) return 0;
    const result = await EventDelivery.updateMany(
      { _id: { $in: lost.map((delivery) => delivery._id) }, status: 'queued' },
      { $set: { status: 'pending', nextAttemptAt: now }, $unset: { queuedAt: 1 } },
    );
    await markEndpointsDue(deps.models, lost.map((delivery) => delivery.endpointId), now);
    return result.modifiedCount;
  }

  async function giveUpExpired(now: Date): Promise<number> {
    const result = await EventDelivery.updateMany(
      { status: 'pending', createdAt: { $lt: new Date(now.getTime() - retry.giveUpAfterMs) } },
      { $set: { status: 'failed', failedAt: now }, $unset: { nextAttemptAt: 1 } },
    );
    return result.modifiedCount;
  }

  async function restoreHints(): Promise<void> {
    const endpoints = await WebhookEndpoint.find({}, { _id: 1 }).lean();
    for (const endpoint of endpoints) {
      const next = await EventDelivery.findOne({ endpointId: endpoint._id, status: 'pending' }, { nextAttemptAt: 1 }).sort({ nextAttemptAt: 1 }).lean();
      if (next?.nextAttemptAt) await WebhookEndpoint.updateOne({ _id: endpoint._id }, { $min: { nextDueAt: next.nextAttemptAt } });
    }
  }

  return {
    async run() {
      const now = new Date();
      try {
        const lost = await requeueLostJobs(now);
        const expired = await giveUpExpired(now);
        await restoreHints();
        if (lost + expired > 0) deps.log.info({ lost, expired }, 'event deliveries repaired');
      } catch (error) {
        deps.log.warn({ err: error }, 'event delivery housekeeping failed; it runs again shortly');
      }
    },
  };
}
