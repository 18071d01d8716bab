/** /v1/opt-outs: numbers this client's campaigns never message (contract §3). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ListQuery, errorResponses, page } from '../common.schemas.js';
import { createOptOutsService } from './opt-outs.service.js';

const OptOutView = z.object({ phone: z.string(), source: z.string(), createdAt: z.string() });

export const optOutsRoutes: FastifyPluginAsyncZod = async (app) => {
  const optOuts = createOptOutsService(app.deps);
  const tags = ['opt-outs'];

  app.get('/opt-outs', {
    schema: { tags, summary: 'List opted-out numbers', querystring: ListQuery, response: { 200: page(OptOutView), ...errorResponses(400, 401) } },
  }, async (request) => optOuts.list(request.clientId, request.query));

  app.post('/opt-outs', {
    schema: { tags, summary: 'Opt a number out of campaigns', body: z.strictObject({ phone: z.string().max(64, 'is too long for a phone number') }),
      response: { 200: OptOutView, 201: OptOutView, ...errorResponses(400, 401, 415) } },
  }, async (request, reply) => {
    const { created, optOut } = await optOuts.add(request.clientId, request.body.phone, 'api');
    return reply.code(created ? 201 : 200).send(optOut);
  });

  app.delete('/opt-outs/:phone', {
    schema: { tags, summary: 'Remove an opt-out', params: z.strictObject({ phone: z.string().max(64) }),
      response: { 204: z.null().describe('Removed'), ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => {
    await optOuts.remove(request.clientId, request.params.phone);
    return reply.code(204).send(null);
  });
};
