/**
 * The one place where every resource's actions get the panel's rules, so no resource file can
 * forget them:
 * - an action that changes something is visible and accessible to admins only, and a viewer's
 *   call is refused on the server before any handler or hook of the resource runs (AdminJS runs
 *   `before` hooks ahead of its own access check, so the refusal must be the first hook);
 * - each change is written to the audit log with the fields it changed, before and after.
 *
 * Built-in reads (list, show, search) and custom actions marked `custom: { readOnly: true }`
 * are open to every operator. Anything else is a change.
 */
import { ForbiddenError, type ActionContext, type ActionRequest, type ActionResponse, type After, type Before, type IsFunction, type ResourceWithOptions } from 'adminjs';
import type { AuditTrail } from '../audit/audit-trail.js';
import { changedFields } from '../audit/changes.js';
import { MASK, isSecretKey } from '../audit/mask.js';
import { canChange } from './roles.js';

type ActionOptions = Record<string, unknown> & {
  isAccessible?: boolean | IsFunction;
  isVisible?: boolean | IsFunction;
  before?: Before | Before[];
  after?: After<ActionResponse> | Array<After<ActionResponse>>;
  component?: string | false;
  custom?: Record<string, unknown>;
};

const BUILT_IN_ACTIONS = ['list', 'show', 'search', 'new', 'edit', 'delete', 'bulkDelete'];
const READ_ACTIONS = new Set(['list', 'show', 'search']);

/** Where the `before` hook leaves the record as it was, for the audit entry. */
const BEFORE_SNAPSHOT = 'auditBeforeSnapshot';

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function adminsOnly(check: boolean | IsFunction | undefined): IsFunction {
  return (context) => canChange(context.currentAdmin) && (typeof check === 'function' ? check(context) : check !== false);
}

function recordIdsOf(context: ActionContext, response?: ActionResponse): string[] {
  if (context.record) return [String(context.record.id())];
  if (context.records) return context.records.map((record) => String(record.id()));
  const created = response?.record?.id ?? response?.record?.params?._id;
  return created ? [String(created)] : [];
}

function snapshotOf(context: ActionContext): Record<string, unknown> | undefined {
  if (context.record) return { ...context.record.params };
  if (context.records) return Object.fromEntries(context.records.map((record) => [String(record.id()), { ...record.params }]));
  return undefined;
}

/** Secret form fields (e.g. a replaced access token) are recorded as replaced, never by value. */
function replacedSecrets(request: ActionRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.payload ?? {})
    .filter(([key, value]) => isSecretKey(key) && typeof value === 'string' && value.length > 0)
    .map(([key]) => [key, `${MASK} (replaced)`]));
}

function ipOf(request: ActionRequest): string | undefined {
  return (request as { raw?: { socket?: { remoteAddress?: string } } }).raw?.socket?.remoteAddress;
}

/**
 * AdminJS calls a custom action without a component through GET when its button is clicked; the
 * built-in forms and custom components submit with POST. Either way, that call is the change.
 */
const isChangeRequest = (request: ActionRequest, action: ActionOptions) => request.method === 'post' || action.component === false;

function refuseViewers(resourceId: string, actionName: string, audit: AuditTrail): Before {
  return async (request, context) => {
    if (canChange(context.currentAdmin)) return request;
    await audit.record({
      operator: context.currentAdmin, resource: resourceId, action: actionName, recordIds: recordIdsOf(context),
      outcome: 'refused', message: 'viewer operators cannot change anything', ip: ipOf(request),
    });
    throw new ForbiddenError('Viewer operators can look but not change anything; ask an admin.');
  };
}

const rememberBefore: Before = (request, context) => {
  context[BEFORE_SNAPSHOT] = snapshotOf(context);
  return request;
};

function recordChange(resourceId: string, actionName: string, action: ActionOptions, audit: AuditTrail): After<ActionResponse> {
  return async (response, request, context) => {
    if (!isChangeRequest(request, action)) return response;
    const failed = response.notice?.type === 'error' || Object.keys(response.record?.errors ?? {}).length > 0;
    const before = context[BEFORE_SNAPSHOT] as Record<string, unknown> | undefined;
    const deleted = actionName === 'delete' || actionName === 'bulkDelete';
    const after = deleted || failed ? undefined : (response.record?.params as Record<string, unknown> | undefined);
    const changes = deleted ? { before } : changedFields(before, after);
    const secrets = failed ? {} : replacedSecrets(request);
    await audit.record({
      operator: context.currentAdmin,
      resource: resourceId,
      action: actionName,
      recordIds: recordIdsOf(context, response),
      outcome: failed ? 'failed' : 'succeeded',
      message: response.notice?.message,
      before: changes.before,
      after: Object.keys(secrets).length ? { ...changes.after, ...secrets } : changes.after,
      ip: ipOf(request),
    });
    return response;
  };
}

function secureAction(resourceId: string, actionName: string, action: ActionOptions, audit: AuditTrail): ActionOptions {
  const readOnly = READ_ACTIONS.has(actionName) || action.custom?.readOnly === true;
  if (readOnly) return action;
  return {
    ...action,
    isAccessible: adminsOnly(action.isAccessible),
    isVisible: adminsOnly(action.isVisible ?? action.isAccessible),
    before: [refuseViewers(resourceId, actionName, audit), rememberBefore, ...asArray(action.before)],
    after: [...asArray(action.after), recordChange(resourceId, actionName, action, audit)],
  };
}

export function secureResource(definition: ResourceWithOptions, audit: AuditTrail): ResourceWithOptions {
  const resourceId = (definition.resource as { id(): string }).id();
  const actions = { ...(definition.options.actions ?? {}) } as Record<string, ActionOptions>;
  for (const name of new Set([...BUILT_IN_ACTIONS, ...Object.keys(actions)])) {
    actions[name] = secureAction(resourceId, name, actions[name] ?? {}, audit);
  }
  return { ...definition, options: { ...definition.options, actions } };
}
