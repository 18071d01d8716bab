/** The `webhook-events` queue: one job per stored Meta delivery (job id = event id). */
import type { Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { WebhookEventJob } from '../../src/queues/payloads.js';
import { createWebhookEventProcessor, UnresolvedUpdatesError } from '../webhooks/process-event.js';

export function webhookEventProcessor(deps: Deps) {
  const events = createWebhookEventProcessor(deps);
  return async (job: Job) => {
    const { eventId } = WebhookEventJob.parse(job.data);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      return await events.process(eventId, { lastAttempt });
    } catch (error) {
      if (lastAttempt && !(error instanceof UnresolvedUpdatesError)) {
        // If even this write fails, the event stays pending and the reconciler enqueues it again.
        await events.markFailed(eventId, error).catch(() => {});
      }
      throw error;
    }
  };
}
