/**
 * Mounts the operator panel at /admin and the queue board at /admin/queues, in a scope of their
 * own: the cookie, session, form-body and multipart plugins AdminJS registers, its relaxed CSP
 * and its error handler stay out of the API (whose routes keep answering 415 to form bodies).
 * AdminJS is registered without a prefix because it adds its routes at absolute paths.
 *
 * Imported by the API process only: loading AdminJS costs seconds and ~100 MB, which the
 * workers do not pay.
 */
import { buildAuthenticatedRouter } from '@adminjs/fastify';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../src/deps.js';
import { storeEventsBeforeAnswering } from '../src/modules/events/store-before-answer.js';
import { authenticateOperator, throttleLogins } from './auth/login.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { refreshSessionOperator } from './auth/current-operator.js';
import { SESSION_COOKIE, sessionOptions } from './auth/session.js';
import { ROOT_PATH, buildAdmin } from './build-admin.js';
import { useAdminContentSecurityPolicy } from './http/content-security.js';
import { refuseCrossSiteRequests } from './http/cross-site-guard.js';
import { registerAdminErrorHandler } from './http/error-handler.js';
import { serveBrowserBundles } from './http/browser-bundles.js';
import { CAMPAIGN_FILES_PATH, registerCampaignFiles } from './campaign-files.js';
import { QUEUES_PATH, registerQueuesBoard } from './queues-board.js';
import { createAdminServices } from './services.js';

export async function registerAdmin(app: FastifyInstance, deps: Deps): Promise<void> {
  await app.register(async (scope) => {
    const services = createAdminServices(deps);
    const admin = buildAdmin(deps, services);
    const throttle = createLoginThrottle(deps.redis, deps.keyPrefix);

    // Hooks first, in this order (the CSP hook must see every route; the operator refresh must run
    // before AdminJS's own login check, which buildAuthenticatedRouter adds).
    useAdminContentSecurityPolicy(scope);
    registerAdminErrorHandler(scope);
    refuseCrossSiteRequests(scope, [`${ROOT_PATH}/api/`, `${QUEUES_PATH}/api/`, `${CAMPAIGN_FILES_PATH}/upload`]);
    serveBrowserBundles(scope, admin, deps.config.nodeEnv === 'production');
    throttleLogins(scope, admin, throttle, deps.log);
    storeEventsBeforeAnswering(scope, deps.models);
    refreshSessionOperator(scope, deps, [`${ROOT_PATH}/frontend/`]);

    await buildAuthenticatedRouter(admin, {
      authenticate: authenticateOperator(services, throttle),
      cookieName: SESSION_COOKIE,
      cookiePassword: deps.config.sessionSecret,
    }, scope, sessionOptions(deps, ROOT_PATH));
    await registerQueuesBoard(scope, deps, services.audit, admin.options.loginPath);
    await registerCampaignFiles(scope, deps, services, services.audit);
  });
}
