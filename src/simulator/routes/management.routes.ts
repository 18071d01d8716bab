/**
 * Graph management endpoints used by credential checks: phone number / WABA / template nodes with
 * `?fields=`, `message_templates` and `phone_numbers` with cursor paging, `subscribed_apps`, and
 * `debug_token`. Every WABA-scoped answer carries usage headers and counts against the BUC limit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import type { SimulatorContext } from '../context.js';
import { parseFieldList, projectFields, type FieldReaders } from '../graph-fields.js';
import { countManagementCall } from '../management-usage.js';
import {
  debugTokenView,
  DEFAULT_PHONE_FIELDS,
  DEFAULT_TEMPLATE_FIELDS,
  DEFAULT_WABA_FIELDS,
  pageOf,
  phoneNumberReaders,
  subscribedAppsView,
  templateReaders,
  wabaReaders,
} from '../management-views.js';
import { missingAccessTokenError, unknownObjectError, invalidTokenError, type MetaError } from '../meta-errors.js';
import type { SimToken, SimWaba } from '../state.js';
import { rejectBadVersion, replyMetaError } from './graph-reply.js';

type Query = Record<string, unknown>;
interface NodeRoute {
  Params: { version: string; nodeId: string };
  Querystring: Query;
}
interface WabaEdgeRoute {
  Params: { version: string; wabaId: string };
  Querystring: Query;
}

export function registerManagementRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  /** Version check, token check and WABA visibility shared by every WABA-scoped edge. */
  const withWaba = (
    request: FastifyRequest<WabaEdgeRoute>,
    reply: FastifyReply,
    method: 'get' | 'post' | 'delete',
    handle: (waba: SimWaba, token: SimToken) => unknown,
  ) => {
    const badVersion = rejectBadVersion(request, reply, request.params.version);
    if (badVersion) return badVersion;
    const auth = authenticate(ctx, { authorization: request.headers.authorization, query: request.query });
    if (!auth.ok) return replyMetaError(reply, auth.error);
    const waba = ctx.state.visibleWaba(auth.token, request.params.wabaId);
    if (!waba) return replyMetaError(reply, unknownObjectError(request.params.wabaId, method));
    const usage = countManagementCall(ctx, waba.id);
    reply.headers(usage.headers);
    if (usage.error) return replyMetaError(reply, usage.error);
    return handle(waba, auth.token);
  };

  const project = <T>(reply: FastifyReply, node: T, readers: FieldReaders<T>, fields: unknown, defaults: readonly string[], type: string) => {
    const projected = projectFields(node, readers, parseFieldList(fields) ?? defaults, type);
    return projected.ok ? projected.value : replyMetaError(reply, projected.error);
  };

  /** Links for paging.next/previous: same path and query, with the new cursor. */
  const pageLink = (request: FastifyRequest) => (param: 'after' | 'before', cursor: string) => {
    const url = new URL(request.url, ctx.baseUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set(param, cursor);
    return `${ctx.baseUrl}${url.pathname}${url.search}`;
  };

  app.get('/debug_token', (request, reply) => debugToken(ctx, request.query as Query, request.headers.authorization, reply));
  app.get<{ Params: { version: string }; Querystring: Query }>('/:version/debug_token', (request, reply) => {
    const badVersion = rejectBadVersion(request, reply, request.params.version);
    return badVersion ?? debugToken(ctx, request.query, request.headers.authorization, reply);
  });

  app.get<NodeRoute>('/:version/:nodeId', (request, reply) => {
    const { version, nodeId } = request.params;
    const badVersion = rejectBadVersion(request, reply, version);
    if (badVersion) return badVersion;
    const auth = authenticate(ctx, { authorization: request.headers.authorization, query: request.query });
    if (!auth.ok) return replyMetaError(reply, auth.error);
    const token = auth.token;
    const fields = request.query.fields;

    const phone = ctx.state.visiblePhoneNumber(token, nodeId);
    const waba = phone ? undefined : ctx.state.visibleWaba(token, nodeId);
    const templateHit = phone || waba ? undefined : ctx.state.templateById(nodeId);
    const template = templateHit && token.wabaIds.includes(templateHit.waba.id) ? templateHit.template : undefined;
    const scopeWabaId = phone?.wabaId ?? waba?.id ?? (template && templateHit?.waba.id);
    if (!scopeWabaId) return replyMetaError(reply, unknownObjectError(nodeId, 'get'));

    const usage = countManagementCall(ctx, scopeWabaId);
    reply.headers(usage.headers);
    if (usage.error) return replyMetaError(reply, usage.error);
    if (phone) return project(reply, phone, phoneNumberReaders(ctx.state, token), fields, DEFAULT_PHONE_FIELDS, 'WhatsAppBusinessPhoneNumber');
    if (waba) return project(reply, waba, wabaReaders(token), fields, DEFAULT_WABA_FIELDS, 'WhatsAppBusinessAccount');
    return project(reply, template!, templateReaders, fields, DEFAULT_TEMPLATE_FIELDS, 'WhatsAppMessageTemplate');
  });

  app.get<WabaEdgeRoute>('/:version/:wabaId/message_templates', (request, reply) =>
    withWaba(request, reply, 'get', (waba) => {
      const { name, status, category, language, fields } = request.query;
      const matching = waba.templates.filter(
        (t) =>
          (typeof name !== 'string' || t.name.includes(name)) &&
          (typeof status !== 'string' || t.status === status.toUpperCase()) &&
          (typeof category !== 'string' || t.category === category.toUpperCase()) &&
          (typeof language !== 'string' || t.language === language),
      );
      const requested = parseFieldList(fields) ?? DEFAULT_TEMPLATE_FIELDS;
      const rows: Record<string, unknown>[] = [];
      for (const template of matching) {
        const row = projectFields(template, templateReaders, requested, 'WhatsAppMessageTemplate');
        if (!row.ok) return replyMetaError(reply, row.error);
        rows.push(row.value);
      }
      return pageOf(rows, request.query, pageLink(request));
    }),
  );

  app.get<WabaEdgeRoute>('/:version/:wabaId/phone_numbers', (request, reply) =>
    withWaba(request, reply, 'get', (waba, token) => {
      const readers = phoneNumberReaders(ctx.state, token);
      const requested = parseFieldList(request.query.fields) ?? DEFAULT_PHONE_FIELDS;
      const rows: Record<string, unknown>[] = [];
      for (const phone of ctx.state.phoneNumbers.values()) {
        if (phone.wabaId !== waba.id) continue;
        const row = projectFields(phone, readers, requested, 'WhatsAppBusinessPhoneNumber');
        if (!row.ok) return replyMetaError(reply, row.error);
        rows.push(row.value);
      }
      return pageOf(rows, request.query, pageLink(request));
    }),
  );

  app.get<WabaEdgeRoute>('/:version/:wabaId/subscribed_apps', (request, reply) =>
    withWaba(request, reply, 'get', (waba) => subscribedAppsView(ctx.state, waba)),
  );

  // Subscribing is done with the token of the app that wants the webhooks, as with Meta.
  app.post<WabaEdgeRoute>('/:version/:wabaId/subscribed_apps', (request, reply) =>
    withWaba(request, reply, 'post', (waba, token) => {
      if (!waba.subscribedAppIds.includes(token.appId)) waba.subscribedAppIds.push(token.appId);
      return { success: true };
    }),
  );

  app.delete<WabaEdgeRoute>('/:version/:wabaId/subscribed_apps', (request, reply) =>
    withWaba(request, reply, 'delete', (waba, token) => {
      waba.subscribedAppIds = waba.subscribedAppIds.filter((id) => id !== token.appId);
      return { success: true };
    }),
  );
}

/**
 * `GET /debug_token?input_token=…&access_token=…`: the caller authenticates with an app token
 * (`{app-id}|{app-secret}`) or any valid token; the answer describes the input token.
 */
function debugToken(ctx: SimulatorContext, query: Query, authorization: string | undefined, reply: FastifyReply) {
  const caller = typeof query.access_token === 'string' ? query.access_token : /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
  if (!caller) return replyMetaError(reply, missingAccessTokenError());
  const callerError = debugTokenCallerError(ctx, caller);
  if (callerError) return replyMetaError(reply, callerError);
  const inputToken = typeof query.input_token === 'string' ? query.input_token : null;
  return debugTokenView(ctx.state, inputToken, ctx.now());
}

function debugTokenCallerError(ctx: SimulatorContext, caller: string): MetaError | null {
  const [appId, secret] = caller.split('|');
  if (secret !== undefined) return ctx.state.apps.get(appId)?.secret === secret ? null : invalidTokenError();
  return ctx.state.checkToken(caller, ctx.now()).kind === 'valid' ? null : invalidTokenError();
}
