/** /v1/webhook-endpoints: where a client's systems receive our events (contract §3). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, ListQuery, errorResponses, page } from '../common.schemas.js';
import { outboundEvents } from './emitter.js';
import { CreateEndpointBody, CreatedEndpoint, DeliveryListQuery, DeliveryView, EndpointView, TestEventAnswer } from './endpoints.schemas.js';
import { createEndpointsService } from './endpoints.service.js';

export const endpointsRoutes: FastifyPluginAsyncZod = async (app) => {
  const endpoints = createEndpointsService(app.deps);
  const tags = ['webhook endpoints'];
  // Events emitted by this process are written before it closes.
  app.addHook('onClose', async () => { await outboundEvents(app.deps.models).flush(); });

  app.post('/webhook-endpoints', {
    schema: {
      tags, summary: 'Register an endpoint for our events; the answer carries its signing secret, shown only this once',
      body: CreateEndpointBody, response: { 201: CreatedEndpoint, ...errorResponses(400, 401, 415, 422) },
    },
  }, async (request, reply) => reply.code(201).send(await endpoints.create(request.clientId, request.body)));

  app.get('/webhook-endpoints', {
    schema: { tags, summary: 'List webhook endpoints (without their secrets)', querystring: ListQuery, response: { 200: page(EndpointView), ...errorResponses(400, 401) } },
  }, async (request) => endpoints.list(request.clientId, request.query));

  app.get('/webhook-endpoints/:id', {
    schema: { tags, summary: 'Get a webhook endpoint with its delivery health', params: IdParams, response: { 200: EndpointView, ...errorResponses(400, 401, 404) } },
  }, async (request) => endpoints.get(request.clientId, request.params.id));

  app.delete('/webhook-endpoints/:id', {
    schema: { tags, summary: 'Delete a webhook endpoint and its pending deliveries', params: IdParams, response: { 204: z.null().describe('Deleted'), ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => {
    await endpoints.remove(request.clientId, request.params.id);
    return reply.code(204).send(null);
  });

  app.post('/webhook-endpoints/:id/test', {
    schema: { tags, summary: `Send a test event ("endpoint.test") to the endpoint`, params: IdParams, response: { 202: TestEventAnswer, ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => reply.code(202).send(await endpoints.sendTest(request.clientId, request.params.id)));

  app.get('/webhook-endpoints/:id/deliveries', {
    schema: {
      tags, summary: 'The delivery log: each event with its attempts, the answers (status, first 1 kB) and the next retry',
      params: IdParams, querystring: DeliveryListQuery, response: { 200: page(DeliveryView), ...errorResponses(400, 401, 404) },
    },
  }, async (request) => endpoints.deliveries(request.clientId, request.params.id, request.query));
};
