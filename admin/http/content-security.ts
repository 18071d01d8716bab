/**
 * The Content-Security-Policy of the panel's pages. AdminJS boots from inline scripts, so the
 * API's strict default (script-src 'self') would leave every admin page blank. This loosens it
 * for routes of the admin scope only, and keeps everything else same-origin: no CDN, no fonts
 * from elsewhere (the panel works offline). Must be added before the scope's routes.
 */
import type { FastifyInstance } from 'fastify';

const ADMIN_CSP = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'self'"],
    },
  },
};

export function useAdminContentSecurityPolicy(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), helmet: ADMIN_CSP } as typeof route.config;
  });
}
