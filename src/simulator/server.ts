/**
 * The simulator's Fastify instance: Graph routes, the `/_sim` admin API, and error handling that
 * answers in Meta's envelope on the Graph side and in plain JSON on the admin side.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { SimulatorContext } from './context.js';
import type { Holds } from './holds.js';
import { metaError, unknownPathError } from './meta-errors.js';
import { registerAdminRoutes } from './routes/admin.routes.js';
import { replyMetaError } from './routes/graph-reply.js';
import { registerManagementRoutes } from './routes/management.routes.js';
import { registerMessagesRoutes } from './routes/messages.routes.js';
import type { Simulator } from './simulator.js';
import { SimulatorInputError } from './state.js';

export const ADMIN_PREFIX = '/_sim';

export function buildSimulatorServer(deps: {
  ctx: SimulatorContext;
  simulator: Simulator;
  holds: Holds;
  logger: Logger;
}): FastifyInstance {
  const app = Fastify({
    // Typed as Fastify's logger so the instance keeps the default generics the route modules expect.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // A log line per send would cost more CPU than the send itself at benchmark rates.
    logController: new LogController({ disableRequestLogging: true }),
    // Hanging sends ("timeout" faults) must not keep close() waiting.
    forceCloseConnections: true,
    bodyLimit: 4 * 1024 * 1024,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) {
      if (error instanceof ZodError) {
        return reply.code(400).send({
          error: { message: 'invalid input', issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
        });
      }
      if (error instanceof SimulatorInputError) return reply.code(error.status).send({ error: { message: error.message } });
      if (error.statusCode !== undefined && error.statusCode < 500) {
        return reply.code(error.statusCode).send({ error: { message: error.message } });
      }
      deps.logger.error({ err: error }, 'admin request failed');
      return reply.code(500).send({ error: { message: error.message } });
    }
    // Graph side: unreadable bodies are Meta's "invalid parameter"; anything else is our bug, shown as Meta's code 1.
    if (error.statusCode !== undefined && error.statusCode < 500) return replyMetaError(reply, metaError(100, error.message));
    deps.logger.error({ err: error }, 'graph request failed');
    return replyMetaError(reply, metaError(1));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return reply.code(404).send({ error: { message: `no admin route ${request.method} ${request.url}` } });
    return replyMetaError(reply, unknownPathError(request.url.split('?')[0]));
  });

  registerMessagesRoutes(app, deps.ctx, deps.holds);
  registerManagementRoutes(app, deps.ctx);
  app.register((scope, _options, done) => {
    registerAdminRoutes(scope, deps.simulator);
    done();
  }, { prefix: ADMIN_PREFIX });
  return app;
}
