/**
 * Everything under /v1: API-key authentication, per-key rate limiting (in Redis, so it holds
 * across API processes), and the feature routes.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { registerApiKeyAuth } from '../plugins/auth.js';
import { campaignsRoutes } from './campaigns/campaigns.routes.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { credentialsRoutes } from './credentials/credentials.routes.js';
import { endpointsRoutes } from './events/endpoints.routes.js';
import { storeEventsBeforeAnswering } from './events/store-before-answer.js';
import { messagesRoutes } from './messages/messages.routes.js';
import { optOutsRoutes } from './opt-outs/opt-outs.routes.js';

/** Per API key. Generous for integrations; bulk sending goes through campaigns, not request rate. */
export const API_RATE_LIMIT = { max: 3000, timeWindow: 10_000 };

export async function v1Routes(app: FastifyInstance, options: { rateLimit?: { max: number; timeWindow: number } }) {
  const { deps } = app;
  registerApiKeyAuth(app, deps);
  await app.register(rateLimit, {
    ...(options.rateLimit ?? API_RATE_LIMIT),
    redis: deps.redis,
    nameSpace: `${deps.keyPrefix}:ratelimit:`,
    // Authentication runs first (onRequest), so the key prefix identifies the caller.
    hook: 'preHandler',
    keyGenerator: (request) => request.apiKeyPrefix || request.ip,
    // If Redis cannot answer, the request itself will fail or succeed on its own merits.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => new AppError('rate_limited',
      `Too many requests for this API key (limit ${context.max} per ${context.after}); retry after ${Math.ceil(context.ttl / 1000)} seconds.`),
  });
  storeEventsBeforeAnswering(app, deps.models);
  const campaigns = createCampaignsService(deps);
  await app.register(credentialsRoutes, { onDelete: (credentialId) => campaigns.cancelAllForCredential(credentialId) });
  await app.register(campaignsRoutes);
  await app.register(messagesRoutes);
  await app.register(optOutsRoutes);
  await app.register(endpointsRoutes);
}
