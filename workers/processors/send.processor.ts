/** The send queue: one job per released message (job id = message id). */
import { DelayedError, type Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { outboundEvents } from '../../src/modules/events/emitter.js';
import { SendJob } from '../../src/queues/payloads.js';
import { removeInFlight } from '../../src/sending/in-flight.js';
import type { SenderOptions } from '../sending/outcomes.js';
import { createSender } from '../sending/send-message.js';

export function sendProcessor(deps: Deps, options: SenderOptions = {}) {
  const sender = createSender(deps, options);
  const events = outboundEvents(deps.models);
  return async (job: Job, token?: string) => {
    const { messageId, credentialId } = SendJob.parse(job.data);
    let delayed = false;
    try {
      return await sender.send(job, token, messageId);
    } catch (error) {
      delayed = error instanceof DelayedError;
      throw error;
    } finally {
      // A delayed job is still this sender's work in flight; anything else has ended.
      if (!delayed) await removeInFlight(deps.redis, deps.keyPrefix, credentialId, messageId).catch(() => {});
      // The message.status events of this send are stored before the job counts as done.
      await events.stored();
    }
  };
}
