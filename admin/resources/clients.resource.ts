/**
 * Clients (the businesses using the platform). Creating one, or a new API key for one, goes
 * through the clients service and shows the key exactly once; only its hash is stored.
 */
import type { ActionHandler, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import type { AdminServices } from '../services.js';
import { onlyFields, rejectedForm, showUrl, successNotice, textField } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const createClient = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  if (request.method !== 'post') return { record: context.resource.build({}).toJSON(context.currentAdmin) };
  const name = textField(request.payload, 'name');
  if (!name) return rejectedForm(context.resource.build({}).toJSON(context.currentAdmin), { name: { message: 'is required' } }, 'Give the client a name.');
  const { clientId, apiKey } = await services.clients.createClient(name);
  const record = await context.resource.findOne(clientId, context);
  return {
    record: record!.toJSON(context.currentAdmin),
    notice: successNotice(`Client "${name}" created with an API key.`),
    // Shown once by the form component; never stored, never shown again.
    shownOnce: apiKey,
    recordUrl: showUrl(context, clientId),
  };
};

const createApiKey = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const record = context.record!;
  if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
  const { apiKey } = await services.clients.createApiKey(String(record.id()), textField(request.payload, 'name'));
  return {
    record: record.toJSON(context.currentAdmin),
    notice: successNotice('API key created.'),
    shownOnce: apiKey,
    recordUrl: `${context.h.resourceUrl({ resourceId: 'ApiKey' })}?filters.clientId=${record.id()}`,
  };
};

const API_KEY_NOTE = 'Copy this key now. It is shown only this once; only a hash of it is stored.';

export function clientsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.Client),
    options: {
      navigation: NAV.clients,
      listProperties: ['name', 'status', 'createdAt'],
      showProperties: ['_id', 'name', 'status', 'createdAt', 'updatedAt'],
      editProperties: ['name', 'status'],
      filterProperties: ['name', 'status', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      translations: { en: { actions: { createApiKey: 'New API key', apiKeys: 'API keys' } } },
      actions: {
        new: {
          component: Components.ActionForm,
          handler: createClient(services),
          custom: { fields: [{ name: 'name', label: 'Client name' }], submitLabel: 'Create', shownOnceLabel: 'The client\'s first API key', shownOnceNote: API_KEY_NOTE },
        },
        edit: { before: onlyFields('name', 'status') },
        // Everything a client owns hangs off it; disable it (status) instead of deleting it.
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        createApiKey: {
          actionType: 'record',
          icon: 'Key',
          component: Components.ActionForm,
          handler: createApiKey(services),
          custom: { fields: [{ name: 'name', label: 'Key name (optional)' }], submitLabel: 'Create', shownOnceLabel: 'The new API key', shownOnceNote: API_KEY_NOTE },
        },
        apiKeys: {
          actionType: 'record',
          icon: 'List',
          component: false,
          custom: { readOnly: true },
          handler: async (_request, _response, context) => ({
            record: context.record!.toJSON(context.currentAdmin),
            redirectUrl: `${context.h.resourceUrl({ resourceId: 'ApiKey' })}?filters.clientId=${context.record!.id()}`,
          }),
        },
      },
    },
  };
}
