/** /v1/campaigns: one approved template to many recipients (contract §3). */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, errorResponses, page } from '../common.schemas.js';
import { createIdempotency, idempotencyKeyFrom } from '../idempotency.js';
import { MessageView } from '../messages/messages.schemas.js';
import {
  CampaignListQuery, CampaignView, CreateCampaignAnswer, CreateCampaignBody, DryRunAnswer, MessageListQuery, RetryFailedAnswer,
  RetryFailedBody, StatusAnswer, TestSendAnswer, TestSendBody,
} from './campaigns.schemas.js';
import { createCampaignsService } from './campaigns.service.js';
import { acceptCsvUploads } from './csv-upload.js';
import { campaignReport } from './report.js';
import { createTestSends } from './test-send.js';

export const CAMPAIGN_BODY_LIMIT = 32 * 1024 * 1024;

export const campaignsRoutes: FastifyPluginAsyncZod = async (app) => {
  const campaigns = createCampaignsService(app.deps);
  const idempotency = createIdempotency(app.deps.models);
  const testSends = createTestSends(app.deps);
  const tags = ['campaigns'];

  // Its own scope: this route alone also takes multipart/form-data (a CSV of recipients).
  await app.register(async (scope) => {
    await acceptCsvUploads(scope);
    scope.withTypeProvider<ZodTypeProvider>().post('/campaigns', {
      bodyLimit: CAMPAIGN_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Create a campaign (up to 100,000 recipients); "dryRun": true only screens and estimates',
        description: 'JSON, or multipart/form-data with a "campaign" part (this body without recipients) and a "recipients" CSV file.',
        body: CreateCampaignBody,
        response: { 200: DryRunAnswer, 202: CreateCampaignAnswer, ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
      },
    }, async (request, reply) => {
      const key = idempotencyKeyFrom(request.headers['idempotency-key']);
      const answer = request.body.dryRun
        ? await campaigns.create(request.clientId, request.body)
        : await idempotency.run<unknown>(request.clientId, 'POST /v1/campaigns', key, request.body, () => campaigns.create(request.clientId, request.body));
      return reply.code(answer.statusCode as 200 | 202).send(answer.body as never);
    });
  });

  app.get('/campaigns', {
    schema: { tags, summary: 'List campaigns', querystring: CampaignListQuery, response: { 200: page(CampaignView), ...errorResponses(400, 401) } },
  }, async (request) => campaigns.list(request.clientId, request.query));

  app.get('/campaigns/:id', {
    schema: { tags, summary: 'Get a campaign with its counts', params: IdParams, response: { 200: CampaignView, ...errorResponses(400, 401, 404) } },
  }, async (request) => campaigns.get(request.clientId, request.params.id));

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(`/campaigns/:id/${action}`, {
      schema: { tags, summary: `${action[0].toUpperCase()}${action.slice(1)} a campaign`, params: IdParams, response: { 200: StatusAnswer, ...errorResponses(400, 401, 404, 409) } },
    }, async (request) => campaigns[action](request.clientId, request.params.id));
  }

  app.post('/campaigns/:id/retry-failed', {
    schema: {
      tags, summary: 'Put failed messages back in the queue: those whose Meta error is retryable, or all with "all": true',
      params: IdParams, body: RetryFailedBody.optional(),
      response: { 200: RetryFailedAnswer, ...errorResponses(400, 401, 404, 409, 415) },
    },
  }, async (request) => campaigns.retryFailed(request.clientId, request.params.id, request.body ?? {}));

  app.post('/campaigns/:id/test', {
    schema: {
      tags, summary: "Send the campaign's template to up to 5 numbers (not counted in the campaign)",
      params: IdParams, body: TestSendBody, response: { 202: TestSendAnswer, ...errorResponses(400, 401, 404, 409, 415) },
    },
  }, async (request, reply) => reply.code(202).send(await testSends.send(request.clientId, request.params.id, request.body.to)));

  app.get('/campaigns/:id/report.csv', {
    schema: {
      tags, summary: 'The campaign report: one CSV row per message (to, ref, status, wamid, error, times, pricing), streamed',
      params: IdParams, response: { ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    await campaigns.get(request.clientId, request.params.id);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="campaign-${request.params.id}-report.csv"`)
      .send(campaignReport(app.deps.models, request.params.id) as never);
  });

  app.get('/campaigns/:id/messages', {
    schema: { tags, summary: "A campaign's messages", params: IdParams, querystring: MessageListQuery, response: { 200: page(MessageView), ...errorResponses(400, 401, 404) } },
  }, async (request) => campaigns.messages(request.clientId, request.params.id, request.query));
};
