/**
 * Operator sessions: a signed cookie (SESSION_SECRET) that only the panel's paths receive,
 * httpOnly, SameSite=Lax, Secure whenever the panel is served over HTTPS, expiring 12 hours
 * after login; the session data lives in MongoDB (MongoSessionStore), never in memory.
 */
import type { FastifySessionOptions } from '@fastify/session';
import type { Deps } from '../../src/deps.js';
import type { AdminUser } from '../policy/roles.js';
import { MongoSessionStore } from './session-store.js';

declare module 'fastify' {
  interface Session {
    adminUser?: AdminUser;
    /** Where AdminJS sends the operator after logging in. */
    redirectTo?: string;
  }
}

export const SESSION_COOKIE = 'ocm_admin';
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export function sessionOptions(deps: Pick<Deps, 'config' | 'models'>, cookiePath: string): FastifySessionOptions {
  return {
    secret: deps.config.sessionSecret,
    cookieName: SESSION_COOKIE,
    store: new MongoSessionStore(deps.models, SESSION_MAX_AGE_MS),
    // No session for anonymous visitors, and no store write on every request.
    saveUninitialized: false,
    rolling: false,
    cookie: { path: cookiePath, httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS },
  };
}
