/** The processors this worker process runs; each feature adds its own here. */
import type { Deps } from '../src/deps.js';
import { QUEUE } from '../src/queues/names.js';
import { credentialCheckProcessor } from './processors/credential-check.processor.js';
import type { EventDeliverer } from './events/deliver.js';
import { maintenanceProcessor } from './processors/maintenance.processor.js';
import { outboundEventProcessor } from './processors/outbound-event.processor.js';
import { sendProcessor } from './processors/send.processor.js';
import { webhookEventProcessor } from './processors/webhook-event.processor.js';
import type { Reconciler } from './reconciler.js';
import type { SenderOptions } from './sending/outcomes.js';
import type { ProcessorSpec } from './start-workers.js';

/**
 * Sends mostly wait on Meta's answer or on their pace slot, so one process runs many at once. More
 * at once also means larger batches of the reads and writes that concurrent sends share
 * (send-message.ts, transitions.accept): 400 measured ~5% less CPU per message than 200.
 */
export const SEND_CONCURRENCY = 400;

/**
 * A killed worker's sends are noticed within ~15 s (lock 10 s, stall check every 5 s) instead of
 * BullMQ's default minute, and a job may stall several times without being failed: the message
 * state in MongoDB, not the job, decides what happens next.
 */
const SEND_WORKER_OPTIONS = { concurrency: SEND_CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 10 };
/**
 * Webhook deliveries processed at once; each works on up to 16 messages at a time. Meta mostly
 * sends one update per delivery, and deliveries in flight together share their database requests.
 */
export const WEBHOOK_EVENT_CONCURRENCY = 32;
/** Processing is idempotent, so a crashed worker's deliveries are taken over quickly rather than waited for. */
const WEBHOOK_WORKER_OPTIONS = { concurrency: WEBHOOK_EVENT_CONCURRENCY, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 10 };

/** Event deliveries in flight at once; each mostly waits on a client's endpoint (10 s at most). */
export const OUTBOUND_EVENT_CONCURRENCY = 50;

export function processorSpecs(deps: Deps, reconciler: Reconciler, sender: SenderOptions = {}, events?: EventDeliverer): ProcessorSpec[] {
  return [
    { queue: QUEUE.send, process: sendProcessor(deps, sender), options: SEND_WORKER_OPTIONS },
    { queue: QUEUE.credentialChecks, process: credentialCheckProcessor(deps), options: { concurrency: 4 } },
    { queue: QUEUE.maintenance, process: maintenanceProcessor(deps, reconciler), options: { concurrency: 2 } },
    { queue: QUEUE.webhookEvents, process: webhookEventProcessor(deps), options: WEBHOOK_WORKER_OPTIONS },
    ...(events ? [{ queue: QUEUE.outboundEvents, process: outboundEventProcessor(events), options: { concurrency: OUTBOUND_EVENT_CONCURRENCY } }] : []),
  ];
}
