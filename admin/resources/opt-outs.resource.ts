/** Opt-outs: added and removed through the opt-outs service, as the REST API does. */
import type { ActionHandler, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { Types } from 'mongoose';
import type { Deps } from '../../src/deps.js';
import type { AdminServices } from '../services.js';
import { isOperatorFacing, listUrl, rejectedForm, successNotice, textField } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const addOptOut = (deps: Deps, services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const empty = context.resource.build({}).toJSON(context.currentAdmin);
  if (request.method !== 'post') return { record: empty };
  const clientId = textField(request.payload, 'clientId');
  if (!clientId || !Types.ObjectId.isValid(clientId) || !(await deps.models.Client.exists({ _id: clientId }))) {
    return rejectedForm(empty, { clientId: { message: 'choose a client' } }, 'Choose the client the number opted out of.');
  }
  try {
    const { optOut } = await services.optOuts.add(clientId, textField(request.payload, 'phone') ?? '', 'admin');
    const doc = await deps.models.OptOut.findOne({ clientId, phone: optOut.phone }, { _id: 1 }).lean();
    const record = await context.resource.findOne(String(doc!._id), context);
    return { record: record!.toJSON(context.currentAdmin), notice: successNotice(`+${optOut.phone} will not get campaign messages from this client.`), redirectUrl: listUrl(context) };
  } catch (error) {
    if (!isOperatorFacing(error)) throw error;
    return rejectedForm(empty, { phone: { message: error.message } }, error.message);
  }
};

const removeOptOut = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const record = context.record!;
  if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
  await services.optOuts.remove(String(record.params.clientId), String(record.params.phone));
  return { record: record.toJSON(context.currentAdmin), notice: successNotice('Opt-out removed.'), redirectUrl: listUrl(context) };
};

export function optOutsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.OptOut),
    options: {
      navigation: NAV.sending,
      titleProperty: 'phone',
      listProperties: ['phone', 'clientId', 'source', 'createdAt'],
      showProperties: ['phone', 'clientId', 'source', 'createdAt'],
      editProperties: ['clientId', 'phone'],
      filterProperties: ['phone', 'clientId', 'source', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: { phone: { description: 'International form; stored as digits.' } },
      actions: {
        new: { handler: addOptOut(deps, services) },
        edit: { isAccessible: false },
        delete: { handler: removeOptOut(services) },
        bulkDelete: { isAccessible: false },
      },
    },
  };
}
