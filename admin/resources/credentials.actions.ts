/**
 * What an operator can do to a credential, each through the credentials service, so the access
 * token and app secret are sealed exactly as the REST API seals them and never read back. The
 * forms carry the secrets in replace-only fields (`newAccessToken`, `newAppSecret`): empty means
 * "keep the stored one".
 */
import type { ActionContext, ActionHandler, ActionRequest, RecordActionResponse } from 'adminjs';
import { Types } from 'mongoose';
import type { Deps } from '../../src/deps.js';
import { AppError } from '../../src/errors.js';
import { CreateCredentialBody, UpdateCredentialBody } from '../../src/modules/credentials/credentials.schemas.js';
import type { AdminServices } from '../services.js';
import { MASK } from '../audit/mask.js';
import { errorNotice, fieldErrors, isOperatorFacing, listUrl, rejectedForm, serviceRecordAction, showUrl, successNotice, textField } from './action-kit.js';

/** Form field names of the secrets, and the service fields they feed. */
const SECRET_FIELDS = { accessToken: 'newAccessToken', appSecret: 'newAppSecret' } as const;

function numberField(payload: ActionRequest['payload'], key: string): number | undefined {
  const text = textField(payload, key);
  return text === undefined ? undefined : Number(text);
}

function invalid(context: ActionContext, issues: Array<{ path: PropertyKey[]; message: string }>): RecordActionResponse {
  const record = context.record ?? context.resource.build({});
  return rejectedForm(record.toJSON(context.currentAdmin), fieldErrors(issues, SECRET_FIELDS), 'Some fields need attention.');
}

/** Shown in place of the secrets: whether one is stored, never what it is. */
export async function maskSecrets(deps: Deps, params: Record<string, unknown>): Promise<void> {
  const id = params._id;
  if (!id) return;
  const hasAppSecret = await deps.models.Credential.exists({ _id: id, appSecret: { $exists: true } });
  params.accessTokenMasked = `${MASK} (stored encrypted; edit to replace)`;
  params.appSecretMasked = hasAppSecret ? `${MASK} (stored encrypted; edit to replace)` : 'not set';
}

export function createCredential(deps: Deps, services: AdminServices): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    if (request.method !== 'post') return { record: context.resource.build({}).toJSON(context.currentAdmin) };
    const payload = request.payload;
    const clientId = textField(payload, 'clientId');
    if (!clientId || !Types.ObjectId.isValid(clientId) || !(await deps.models.Client.exists({ _id: clientId }))) {
      return invalid(context, [{ path: ['clientId'], message: 'choose the client this number belongs to' }]);
    }
    const parsed = CreateCredentialBody.safeParse({
      name: textField(payload, 'name'),
      wabaId: textField(payload, 'wabaId'),
      phoneNumberId: textField(payload, 'phoneNumberId'),
      accessToken: textField(payload, SECRET_FIELDS.accessToken),
      appId: textField(payload, 'appId'),
      appSecret: textField(payload, SECRET_FIELDS.appSecret),
      messagesPerSecond: numberField(payload, 'messagesPerSecond'),
    });
    if (!parsed.success) return invalid(context, parsed.error.issues);
    try {
      const created = await services.credentials.create(clientId, parsed.data);
      const record = await context.resource.findOne(created.id, context);
      return { record: record!.toJSON(context.currentAdmin), notice: successNotice('Credential saved; verification with Meta has started.'), redirectUrl: showUrl(context, created.id) };
    } catch (error) {
      if (!isOperatorFacing(error)) throw error;
      return { record: context.resource.build({}).toJSON(context.currentAdmin), notice: errorNotice(error.message) };
    }
  };
}

export function updateCredential(services: AdminServices): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    const payload = request.payload;
    const mps = numberField(payload, 'messagesPerSecond');
    const parsed = UpdateCredentialBody.safeParse({
      name: textField(payload, 'name'),
      // An emptied field removes the cap; an untouched empty one changes nothing.
      messagesPerSecond: mps ?? (record.params.messagesPerSecond != null ? null : undefined),
      accessToken: textField(payload, SECRET_FIELDS.accessToken),
      appSecret: textField(payload, SECRET_FIELDS.appSecret),
    });
    if (!parsed.success) return invalid(context, parsed.error.issues);
    const id = String(record.id());
    try {
      await services.credentials.update(String(record.params.clientId), id, parsed.data);
    } catch (error) {
      if (!isOperatorFacing(error)) throw error;
      return { record: record.toJSON(context.currentAdmin), notice: errorNotice(error.message) };
    }
    const fresh = await context.resource.findOne(id, context);
    const rotated = parsed.data.accessToken !== undefined || parsed.data.appSecret !== undefined;
    return {
      record: fresh!.toJSON(context.currentAdmin),
      notice: successNotice(rotated ? 'Credential updated; the new secret is being verified with Meta.' : 'Credential updated.'),
      redirectUrl: showUrl(context, id),
    };
  };
}

export function deleteCredential(services: AdminServices): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    // As DELETE /v1/credentials/:id does: its running campaigns are cancelled first.
    await services.credentials.remove(String(record.params.clientId), String(record.id()),
      (credentialId) => services.campaigns.cancelAllForCredential(credentialId));
    return { record: record.toJSON(context.currentAdmin), notice: successNotice('Credential deleted; its campaigns were cancelled.'), redirectUrl: listUrl(context) };
  };
}

export function verifyCredential(services: AdminServices) {
  return serviceRecordAction(async (id, context) => {
    const view = await services.credentials.verifyNow(String(context.record!.params.clientId), id);
    return `Verified with Meta: ${view.status}${view.lastError ? ` (${view.lastError})` : ''}.`;
  });
}

export function syncTemplates(deps: Deps, services: AdminServices) {
  return serviceRecordAction(async (id, context) => {
    // Verification reads the template catalogue too; running it is the sync.
    const view = await services.credentials.verifyNow(String(context.record!.params.clientId), id);
    const templates = await deps.models.Template.countDocuments({ credentialId: id });
    if (view.status !== 'connected') {
      throw new AppError('unprocessable', `Could not sync: the credential is ${view.status}${view.lastError ? ` (${view.lastError})` : ''}.`);
    }
    return `Templates synced: ${templates} in the catalogue of this number.`;
  });
}
