/**
 * Errors in the admin scope. Fastify's default handler would send AdminJS's raw messages to the
 * browser (file paths, resource lists); this one answers pages with a short HTML page and API
 * calls with the API's error shape, masking every 5xx and logging it with the request id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toAppError } from '../../src/plugins/error-handler.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function errorPage(status: number, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error ${status}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 40rem; color: #1c1c38">
<h1>Something went wrong</h1><p>${escapeHtml(message)}</p><p><a href="/admin">Back to the panel</a></p></body></html>`;
}

const wantsPage = (request: FastifyRequest) =>
  request.method === 'GET' && (request.headers.accept ?? '').includes('text/html') && !request.url.includes('/api/');

export function registerAdminErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error, request, reply: FastifyReply) => {
    if (!wantsPage(request)) return sendError(error, request, reply);
    const known = toAppError(error);
    const status = known && known.statusCode < 500 ? known.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'admin request failed');
    const message = status < 500 ? known!.message : `The panel could not show this page. If it keeps happening, quote request id ${request.id}.`;
    return reply.code(status).type('text/html').send(errorPage(status, message));
  });
}
