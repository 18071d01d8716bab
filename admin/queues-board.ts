/**
 * bull-board at /admin/queues for every BullMQ queue. It lives inside the admin scope, so the
 * operator session is there: without one, the UI and its API redirect to the login page; a
 * viewer may look (GET) but not retry, clean, pause or remove anything; an admin's changes go
 * to the audit log.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../src/deps.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { canChange } from './policy/roles.js';

export const QUEUES_PATH = '/admin/queues';

const READS = new Set(['GET', 'HEAD']);

export async function registerQueuesBoard(scope: FastifyInstance, deps: Deps, audit: AuditTrail, loginPath: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: Object.values(deps.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ONE CLICK queues' } },
  });
  serverAdapter.setBasePath(QUEUES_PATH);
  // bull-board's own handler returns error messages, and stack traces in development.
  serverAdapter.setErrorHandler((error) => {
    deps.log.error({ err: error }, 'queue board request failed');
    return { status: 500, body: { error: 'ERRORS.INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.' } };
  });

  await scope.register(async (board) => {
    board.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const operator = request.session?.get('adminUser');
      if (!operator) return reply.redirect(loginPath);
      if (!READS.has(request.method) && !canChange(operator)) {
        return reply.code(403).send({ error: 'ERRORS.FORBIDDEN', message: 'Viewer operators can look at the queues but not change them.' });
      }
      return undefined;
    });
    board.addHook('onResponse', async (request, reply) => {
      if (READS.has(request.method)) return;
      await audit.record({
        operator: request.session?.get('adminUser'),
        resource: 'queues',
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        recordIds: Object.values((request.params ?? {}) as Record<string, string>),
        outcome: reply.statusCode < 400 ? 'succeeded' : reply.statusCode === 403 ? 'refused' : 'failed',
        ip: request.ip,
      });
    });
    await board.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
  });
}
