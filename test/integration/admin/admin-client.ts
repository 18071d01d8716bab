/**
 * Drives the admin panel through `app.inject` the way its browser code does: a form login that
 * yields the session cookie, then JSON calls to AdminJS's API with that cookie.
 */
import type { FastifyInstance } from 'fastify';
import type { Response } from 'light-my-request';
import type { Deps } from '../../../src/deps.js';
import { createOperatorsService, type OperatorRole } from '../../../src/modules/operators/operators.service.js';

export interface AdminClient {
  cookie: string;
  get(url: string): Promise<Response>;
  post(url: string, payload?: Record<string, unknown>): Promise<Response>;
}

export async function createOperator(deps: Deps, email: string, password: string, role: OperatorRole) {
  return createOperatorsService(deps).create(email, password, role);
}

export function loginForm(app: FastifyInstance, email: string, password: string, ip = '127.0.0.1') {
  return app.inject({
    method: 'POST',
    url: '/admin/login',
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password }).toString(),
  });
}

export async function loginAs(app: FastifyInstance, email: string, password: string): Promise<AdminClient> {
  const response = await loginForm(app, email, password);
  const setCookie = response.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((value) => value.split(';')[0]).join('; ');
  if (response.statusCode !== 302 || !cookie.includes('ocm_admin=')) {
    throw new Error(`login as ${email} failed: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  return {
    cookie,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    post: (url, payload = {}) => app.inject({ method: 'POST', url, headers: { cookie }, payload }),
  };
}
