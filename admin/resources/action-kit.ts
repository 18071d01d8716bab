/**
 * Small building blocks the resource files share: read-only action sets, record actions that
 * call a service and answer the way AdminJS expects, and the form-value helpers around them.
 */
import type { ActionContext, ActionHandler, ActionRequest, Before, RecordActionResponse, RecordJSON } from 'adminjs';
import { AppError } from '../../src/errors.js';

/** For collections the panel shows but never writes (they change through the engine only). */
export const READ_ONLY_ACTIONS = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};

/** A service's refusal (an illegal transition, a missing record, a bad value) is shown as the API client would see it. */
export function isOperatorFacing(error: unknown): error is AppError {
  return error instanceof AppError && (error.statusCode < 500 || error.code === 'service_unavailable');
}

export const successNotice = (message: string) => ({ message, type: 'success' as const });
export const errorNotice = (message: string) => ({ message, type: 'error' as const });

export function resourceIdOf(context: ActionContext): string {
  return context.resource._decorated?.id() ?? context.resource.id();
}

/** The record's page, forced to reload, so the operator sees the status the action produced. */
export function showUrl(context: ActionContext, recordId: string): string {
  return `${context.h.recordActionUrl({ resourceId: resourceIdOf(context), recordId, actionName: 'show' })}?refresh=true`;
}

export function listUrl(context: ActionContext, search = ''): string {
  return `${context.h.resourceUrl({ resourceId: resourceIdOf(context) })}${search}`;
}

type RecordWork = (recordId: string, context: ActionContext, request: ActionRequest) => Promise<string>;

/**
 * A record action that does one thing through a service and reports it: success reloads the
 * record's page, a refusal by the service comes back as an error notice on the same record.
 */
export function serviceRecordAction(work: RecordWork): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    const record = context.record!;
    const id = String(record.id());
    try {
      const message = await work(id, context, request);
      const fresh = (await context.resource.findOne(id, context)) ?? record;
      return { record: fresh.toJSON(context.currentAdmin), notice: successNotice(message), redirectUrl: showUrl(context, id) };
    } catch (error) {
      if (!isOperatorFacing(error)) throw error;
      return { record: record.toJSON(context.currentAdmin), notice: errorNotice(error.message) };
    }
  };
}

/** A form field as a trimmed string; AdminJS sends '' for an empty input. */
export function textField(payload: ActionRequest['payload'], key: string): string | undefined {
  const value = payload?.[key];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** Keeps only the named fields of a submitted form, so a crafted request cannot set anything else. */
export function onlyFields(...keys: string[]): Before {
  return (request) => {
    if (request.method !== 'post' || !request.payload) return request;
    const allowed = new Set(keys);
    const payload = Object.fromEntries(Object.entries(request.payload).filter(([key]) => allowed.has(key)));
    return { ...request, payload };
  };
}

/** A form answered with field errors, as AdminJS's forms expect it. */
export function rejectedForm(record: RecordJSON, errors: Record<string, { message: string }>, message: string): RecordActionResponse {
  return { record: { ...record, errors }, notice: errorNotice(message) };
}

/** Zod issues as AdminJS field errors, keyed by form field. */
export function fieldErrors(issues: Array<{ path: PropertyKey[]; message: string }>, rename: Record<string, string> = {}) {
  const errors: Record<string, { message: string }> = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[rename[key] ?? key] = { message: issue.message };
  }
  return errors;
}

