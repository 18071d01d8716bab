/**
 * Operator login: the password is checked by the operators service (bcrypt), attempts are
 * throttled per address and email, and a successful login gets a fresh session id, so an id
 * planted in a browser before login is worth nothing after it.
 */
import type AdminJS from 'adminjs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../src/deps.js';
import type { AdminServices } from '../services.js';
import type { AdminUser } from '../policy/roles.js';
import { LOGIN_WINDOW_SECONDS, type LoginThrottle } from './login-throttle.js';

const TOO_MANY_ATTEMPTS = `Too many login attempts. Wait ${LOGIN_WINDOW_SECONDS / 60} minutes and try again.`;

/** The login form posts urlencoded; a multipart post carries `{ value }` objects. */
function formText(body: unknown, key: string): string {
  const field = (body as Record<string, unknown> | undefined)?.[key];
  const value = typeof field === 'object' && field !== null ? (field as { value?: unknown }).value : field;
  return typeof value === 'string' ? value : '';
}

export function authenticateOperator(services: AdminServices, throttle: LoginThrottle) {
  return async (email: unknown, password: unknown, context?: { request: FastifyRequest }): Promise<AdminUser | null> => {
    if (typeof email !== 'string' || typeof password !== 'string' || !context) return null;
    const operator = await services.operators.authenticate(email, password);
    if (!operator) return null;
    const { request } = context;
    await throttle.succeeded(request.ip, email).catch(() => {});
    await request.session.regenerate(['redirectTo']);
    return { id: operator.id, email: operator.email, role: operator.role, title: operator.role };
  };
}

/** Counts every login post; over the limit, the login page comes back with an error and 429. */
export function throttleLogins(scope: FastifyInstance, admin: AdminJS, throttle: LoginThrottle, log: Deps['log']): void {
  const loginPath = admin.options.loginPath;
  scope.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== loginPath) return undefined;
    let allowed = true;
    try {
      allowed = await throttle.attempt(request.ip, formText(request.body, 'email'));
    } catch (error) {
      // Without Redis the limit cannot be counted; bcrypt's cost still slows guessing.
      log.warn({ err: error }, 'login throttle unavailable');
    }
    if (allowed) return undefined;
    const page = await admin.renderLogin({ action: loginPath, errorMessage: TOO_MANY_ATTEMPTS });
    return reply.code(429).type('text/html').send(page);
  });
}
