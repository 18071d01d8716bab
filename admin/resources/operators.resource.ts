/**
 * Operators of this panel. Passwords are set through a write-only field and stored as bcrypt
 * hashes (the hash is cut out of every record); new accounts go through the operators service.
 * An operator cannot delete or demote themselves, so the panel always keeps an admin.
 */
import type { ActionHandler, Before, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { ForbiddenError } from 'adminjs';
import { OPERATOR_ROLES } from '../../src/db/models/operator.model.js';
import type { Deps } from '../../src/deps.js';
import { MIN_PASSWORD_LENGTH as MIN_PASSWORD, type OperatorRole } from '../../src/modules/operators/operators.service.js';
import type { AdminServices } from '../services.js';
import { rejectedForm, showUrl, successNotice, textField } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const roleOf = (value: string | undefined): OperatorRole | undefined =>
  OPERATOR_ROLES.includes(value as OperatorRole) ? (value as OperatorRole) : undefined;

const createOperator = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const empty = context.resource.build({}).toJSON(context.currentAdmin);
  if (request.method !== 'post') return { record: empty };
  const email = textField(request.payload, 'email');
  const password = textField(request.payload, 'password') ?? '';
  const role = roleOf(textField(request.payload, 'role')) ?? 'viewer';
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return rejectedForm(empty, { email: { message: 'must be an email address' } }, 'Check the email address.');
  if (password.length < MIN_PASSWORD) return rejectedForm(empty, { password: { message: `must be at least ${MIN_PASSWORD} characters` } }, 'The password is too short.');
  try {
    const { operatorId } = await services.operators.create(email, password, role);
    const record = await context.resource.findOne(operatorId, context);
    return { record: record!.toJSON(context.currentAdmin), notice: successNotice(`Operator ${email} created.`), redirectUrl: showUrl(context, operatorId) };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return rejectedForm(empty, { email: { message: 'is already an operator' } }, `${email} is already an operator.`);
  }
};

const updateOperator = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const record = context.record!;
  if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
  const id = String(record.id());
  const role = roleOf(textField(request.payload, 'role'));
  const password = textField(request.payload, 'password');
  if (password !== undefined && password.length < MIN_PASSWORD) {
    return rejectedForm(record.toJSON(context.currentAdmin), { password: { message: `must be at least ${MIN_PASSWORD} characters` } }, 'The password is too short.');
  }
  await services.operators.update({ id }, { role, password });
  const fresh = await context.resource.findOne(id, context);
  return { record: fresh!.toJSON(context.currentAdmin), notice: successNotice(password ? 'Operator updated; the new password works from now on.' : 'Operator updated.'), redirectUrl: showUrl(context, id) };
};

/** Locking yourself out (deleting or demoting your own account) is refused. */
const notYourself = (what: string): Before => (request, context) => {
  if (request.method !== 'post' || String(context.record?.id()) !== String(context.currentAdmin?.id)) return request;
  if (what === 'demote' && roleOf(textField(request.payload, 'role')) !== 'viewer') return request;
  throw new ForbiddenError(`You cannot ${what} your own account; ask another admin.`);
};

export function operatorsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.Operator, ['passwordHash']),
    options: {
      navigation: NAV.panel,
      titleProperty: 'email',
      listProperties: ['email', 'role', 'lastLoginAt', 'createdAt'],
      showProperties: ['email', 'role', 'lastLoginAt', 'createdAt', 'updatedAt'],
      editProperties: ['email', 'password', 'role'],
      filterProperties: ['email', 'role'],
      sort: { sortBy: 'createdAt', direction: 'asc' },
      properties: {
        password: {
          type: 'password',
          isVisible: { list: false, filter: false, show: false, edit: true },
          description: 'At least 8 characters. On an existing operator, leave empty to keep the current password.',
        },
      },
      actions: {
        new: { handler: createOperator(services) },
        edit: { handler: updateOperator(services), before: notYourself('demote'), layout: ['role', 'password'] },
        delete: { before: notYourself('delete') },
        bulkDelete: { isAccessible: false },
      },
    },
  };
}
