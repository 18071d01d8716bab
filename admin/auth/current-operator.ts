/**
 * Keeps the session's operator in step with the database: a deleted operator is logged out and
 * a changed role applies from the next request, not from the next login.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/deps.js';

export function refreshSessionOperator(scope: FastifyInstance, deps: Pick<Deps, 'models'>, skipPrefixes: string[]): void {
  scope.addHook('preHandler', async (request) => {
    const session = request.session;
    const current = session?.get('adminUser');
    if (!current || skipPrefixes.some((prefix) => request.url.startsWith(prefix))) return;
    const operator = await deps.models.Operator.findById(current.id, { email: 1, role: 1 }).lean();
    if (!operator) {
      session.set('adminUser', undefined);
      return;
    }
    if (operator.role !== current.role || operator.email !== current.email) {
      session.set('adminUser', { ...current, email: operator.email, role: operator.role, title: operator.role });
    }
  });
}
