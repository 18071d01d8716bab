/** The `outbound-events` queue: one job per delivery attempt the mover handed over (job id = delivery id + attempt). */
import type { Job } from 'bullmq';
import { OutboundEventJob } from '../../src/queues/payloads.js';
import type { EventDeliverer } from '../events/deliver.js';

export function outboundEventProcessor(deliverer: EventDeliverer) {
  return async (job: Job) => {
    const { deliveryId } = OutboundEventJob.parse(job.data);
    return deliverer.deliver(deliveryId);
  };
}
