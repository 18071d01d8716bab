/** The send queue: one job per released message (job id = message id). */
import type { Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { SendJob } from '../../src/queues/payloads.js';
import type { SenderOptions } from '../sending/outcomes.js';
import { createSender } from '../sending/send-message.js';

export function sendProcessor(deps: Deps, options: SenderOptions = {}) {
  const sender = createSender(deps, options);
  return async (job: Job, token?: string) => {
    const { messageId } = SendJob.parse(job.data);
    return sender.send(job, token, messageId);
  };
}
