/**
 * Stored webhook events → the `webhook-events` queue (job id = event id, so enqueueing twice is
 * harmless). MongoDB holds the truth: an event still `pending` whose job is gone (Redis was down
 * when it arrived, or flushed since) is found and enqueued again by `requeuePendingWebhookEvents`,
 * which the reconciler calls.
 */
import type { Deps } from '../../deps.js';
import { freeJobId } from '../../queues/job-ids.js';
import { QUEUE } from '../../queues/names.js';
import { WebhookEventJob } from '../../queues/payloads.js';

/**
 * Attempts also bound how long an update naming a message we have not recorded yet is retried
 * (its send may still be finishing): 1 + 2 + 4 + 8 + 16 s ≈ half a minute, then it is orphaned.
 */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
} as const;

/** Events younger than this are left alone by the requeue pass: their job is most likely on its way. */
const PENDING_GRACE_MS = 30_000;
const PAGE = 500;

type QueueDeps = Pick<Deps, 'models' | 'queues' | 'log' | 'metrics'>;

export async function enqueueWebhookEvent(deps: Pick<Deps, 'queues'>, eventId: string): Promise<void> {
  const data = WebhookEventJob.parse({ eventId });
  await deps.queues[QUEUE.webhookEvents].add('process', data, { jobId: eventId, ...WEBHOOK_JOB_OPTIONS });
}

/**
 * Finds pending events older than the grace period with no live job and enqueues them again.
 * Returns how many were enqueued. Safe to run from any number of processes at once.
 */
export async function requeuePendingWebhookEvents(deps: QueueDeps, options: { graceMs?: number } = {}): Promise<number> {
  const queue = deps.queues[QUEUE.webhookEvents];
  const cutoff = new Date(Date.now() - (options.graceMs ?? PENDING_GRACE_MS));
  let requeued = 0;
  let after: unknown = null;
  for (;;) {
    const pending = await deps.models.WebhookEvent.find(
      { status: 'pending', receivedAt: { $lt: cutoff }, ...(after ? { _id: { $gt: after } } : {}) }, { _id: 1 },
    ).sort({ _id: 1 }).limit(PAGE).lean();
    if (pending.length === 0) break;
    after = pending[pending.length - 1]._id;
    for (const event of pending) {
      const id = String(event._id);
      if (!(await freeJobId(queue, id))) continue;
      await enqueueWebhookEvent(deps, id);
      requeued++;
    }
  }
  if (requeued > 0) {
    deps.metrics.reconciled.inc({ kind: 'webhook_event' }, requeued);
    deps.log.info({ requeued }, 'pending webhook events enqueued again');
  }
  return requeued;
}
