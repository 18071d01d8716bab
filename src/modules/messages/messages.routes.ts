/** /v1/messages: one message at a time (contract §3). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, errorResponses } from '../common.schemas.js';
import { createIdempotency, idempotencyKeyFrom } from '../idempotency.js';
import { CreateMessageAnswer, CreateMessageBody, MessageView } from './messages.schemas.js';
import { createMessagesService } from './messages.service.js';

export const messagesRoutes: FastifyPluginAsyncZod = async (app) => {
  const messages = createMessagesService(app.deps);
  const idempotency = createIdempotency(app.deps.models);
  const tags = ['messages'];

  app.post('/messages', {
    schema: { tags, summary: 'Send one template message, or text inside the 24 h customer-service window', body: CreateMessageBody,
      response: { 202: CreateMessageAnswer, ...errorResponses(400, 401, 404, 409, 415, 422) } },
  }, async (request, reply) => {
    const key = idempotencyKeyFrom(request.headers['idempotency-key']);
    const answer = await idempotency.run(request.clientId, 'POST /v1/messages', key, request.body, () => messages.create(request.clientId, request.body));
    return reply.code(answer.statusCode as 202).send(answer.body);
  });

  app.get('/messages/:id', {
    schema: { tags, summary: 'Get a message with its status history', params: IdParams, response: { 200: MessageView, ...errorResponses(400, 401, 404) } },
  }, async (request) => messages.get(request.clientId, request.params.id));
};
