/**
 * Builds the HTTP application from a `Deps` object. Composition only: no listening, no
 * environment, no signals (those belong to `server.ts`), so tests build the very same app.
 */
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { registerDocs } from './plugins/docs.js';
import { registerErrorHandling, sendError } from './plugins/error-handler.js';
import { healthRoutes } from './plugins/health.js';
import { metricsRoutes } from './plugins/metrics.js';
import { v1Routes } from './modules/v1.js';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface AppOptions {
  /** Per-API-key request limit; tests lower it to see a 429 without a thousand requests. */
  apiRateLimit?: { max: number; timeWindow: number };
  /** The operator panel (default on). Loading AdminJS costs seconds, so tests that do not need it skip it. */
  admin?: boolean;
}

/** TRUST_PROXY as Fastify takes it: a number means the nearest N hops. */
function trustedProxies(setting: Config['trustProxy']) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: trustedProxies(deps.config.trustProxy),
    // Honour a caller's request id when it is sane, so logs can be joined across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Errors Fastify raises before routing (e.g. malformed URL encoding) get our shape too.
    frameworkErrors: (error, request, reply) => { sendError(error, request, reply); },
  });

  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Request bodies are JSON only (contract §3); anything else is answered 415.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, { global: true });
  await registerDocs(app, deps.config.publicBaseUrl);
  await app.register(metricsRoutes, deps.metrics);
  await app.register(healthRoutes, deps);
  await app.register(v1Routes, { prefix: '/v1', rateLimit: options.apiRateLimit });
  if (options.admin !== false) {
    const { registerAdmin } = await import('../admin/index.js');
    await registerAdmin(app, deps);
  }
  await app.register(webhooksRoutes, { prefix: '/webhooks' });

  return app;
}
