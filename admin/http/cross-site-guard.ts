/**
 * Refuses cross-site requests that could act with an operator's cookie. AdminJS runs some
 * actions (e.g. "pause" buttons) through GET calls to its API, so SameSite=Lax alone would
 * not stop a link on another site from triggering them. Browsers say where a request comes
 * from in Sec-Fetch-Site; only same-origin calls and plain page navigations pass. Browsers too
 * old to send it are judged by Origin (which is "null" for our own forms under the
 * no-referrer policy, so "null" is not evidence either way).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function isForeign(request: FastifyRequest, apiPrefixes: string[]): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    if (site === 'same-origin' || site === 'none') return false;
    const isApiCall = apiPrefixes.some((prefix) => request.url.startsWith(prefix));
    const isPageNavigation = SAFE_METHODS.has(request.method) && request.headers['sec-fetch-mode'] === 'navigate';
    return isApiCall || !isPageNavigation;
  }
  const origin = request.headers.origin;
  if (SAFE_METHODS.has(request.method) || typeof origin !== 'string' || origin === 'null') return false;
  return hostOf(origin) !== request.headers.host;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export function refuseCrossSiteRequests(scope: FastifyInstance, apiPrefixes: string[]): void {
  scope.addHook('onRequest', async (request, reply) => {
    if (!isForeign(request, apiPrefixes)) return undefined;
    return reply.code(403).type('text/plain').send('Cross-site requests to the admin panel are refused.');
  });
}
