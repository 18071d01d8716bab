/**
 * Meta's webhook route (contract §4). Encapsulated: the raw-body JSON parser and the 3 MiB body
 * limit exist only inside this plugin, because the signature covers the exact bytes and every
 * other route must keep Fastify's normal JSON parsing.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { isKnownVerifyToken } from './verify-token.js';
import { enqueueWebhookEvent } from './webhook-queue.js';
import { createWebhookReceiver } from './webhook-receiver.js';

/** Meta posts up to 3 MB and up to 1,000 updates per delivery. */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

const Handshake = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string(),
  'hub.challenge': z.string().min(1).max(1024),
});

export async function webhooksRoutes(app: FastifyInstance) {
  const { deps } = app;
  const receiver = createWebhookReceiver(deps);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get('/whatsapp', { schema: { hide: true } }, async (request, reply) => {
    const query = Handshake.safeParse(request.query);
    if (!query.success || !(await isKnownVerifyToken(deps, query.data['hub.verify_token']))) {
      throw new AppError('forbidden', 'The verification request is not for this endpoint: hub.mode must be "subscribe" and hub.verify_token a token this platform issued.');
    }
    return reply.type('text/plain; charset=utf-8').send(query.data['hub.challenge']);
  });

  app.post('/whatsapp', { bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (request, reply) => {
    if (!Buffer.isBuffer(request.body)) throw new AppError('invalid_json', 'The webhook body is empty; Meta posts a JSON document.');
    const stored = await receiver.receive(request.body, request.headers['x-hub-signature-256']);
    // Stored durably, so answer Meta first; the queue is only a wake-up call (the reconciler re-enqueues pending events).
    reply.code(200).send({ received: true });
    // Also for a duplicate: harmless (same job id) and it revives an event whose first enqueue failed.
    enqueueWebhookEvent(deps, stored.eventId).catch((error: unknown) => {
      deps.log.warn({ err: error, eventId: stored.eventId }, 'could not enqueue a stored webhook event; the reconciler will');
    });
    return reply;
  });
}
