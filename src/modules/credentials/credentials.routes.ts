/** /v1/credentials: a client's Meta WhatsApp Business credentials (contract §3). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, ListQuery, errorResponses, page } from '../common.schemas.js';
import { CreateCredentialBody, CredentialView, TemplateView, UpdateCredentialBody } from './credentials.schemas.js';
import { createCredentialsService } from './credentials.service.js';

export const credentialsRoutes: FastifyPluginAsyncZod<{ onDelete?: (credentialId: string) => Promise<void> }> = async (app, options) => {
  const credentials = createCredentialsService(app.deps);
  const tags = ['credentials'];

  app.post('/credentials', {
    schema: { tags, summary: 'Register a Meta WhatsApp Business credential (verification starts at once)', body: CreateCredentialBody,
      response: { 201: CredentialView, ...errorResponses(400, 401, 409, 415) } },
  }, async (request, reply) => reply.code(201).send(await credentials.create(request.clientId, request.body)));

  app.get('/credentials', {
    schema: { tags, summary: 'List credentials', querystring: ListQuery, response: { 200: page(CredentialView), ...errorResponses(400, 401) } },
  }, async (request) => credentials.list(request.clientId, request.query));

  app.get('/credentials/:id', {
    schema: { tags, summary: 'Get a credential and its connection status', params: IdParams, response: { 200: CredentialView, ...errorResponses(400, 401, 404) } },
  }, async (request) => credentials.get(request.clientId, request.params.id));

  app.patch('/credentials/:id', {
    schema: { tags, summary: 'Rename, rotate the access token or app secret, or set messagesPerSecond', params: IdParams, body: UpdateCredentialBody,
      response: { 200: CredentialView, ...errorResponses(400, 401, 404, 415) } },
  }, async (request) => credentials.update(request.clientId, request.params.id, request.body));

  app.post('/credentials/:id/verify', {
    schema: { tags, summary: 'Verify the credential with Meta now and return the fresh status', params: IdParams,
      response: { 200: CredentialView, ...errorResponses(400, 401, 404, 503) } },
  }, async (request) => credentials.verifyNow(request.clientId, request.params.id));

  app.delete('/credentials/:id', {
    schema: { tags, summary: 'Delete a credential; its running campaigns are cancelled first', params: IdParams,
      response: { 204: z.null().describe('Deleted'), ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => {
    await credentials.remove(request.clientId, request.params.id, options.onDelete);
    return reply.code(204).send(null);
  });

  app.get('/credentials/:id/templates', {
    schema: { tags, summary: "The credential's synced template catalogue", params: IdParams, querystring: ListQuery,
      response: { 200: page(TemplateView), ...errorResponses(400, 401, 404) } },
  }, async (request) => credentials.listTemplates(request.clientId, request.params.id, request.query));
};
