/**
 * Events emitted while a request is handled (a campaign paused, an opt-out added) are stored
 * before the answer goes out: a caller told "done" never loses that change's event to a crash of
 * the process in the few milliseconds the emitter buffers it.
 */
import type { FastifyInstance } from 'fastify';
import { outboundEvents, type EventModels } from './emitter.js';

export function storeEventsBeforeAnswering(scope: FastifyInstance, models: EventModels): void {
  const events = outboundEvents(models);
  scope.addHook('onSend', async () => {
    await events.stored();
  });
}
