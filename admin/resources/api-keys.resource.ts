/**
 * API keys. The hash never leaves the database (it is cut out by GuardedResource); a key is
 * created from its client's page ("New API key"), shown once, and can be revoked here.
 */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import type { AdminServices } from '../services.js';
import { onlyFields, serviceRecordAction } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

export function apiKeysResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.ApiKey, ['hash']),
    options: {
      navigation: NAV.clients,
      titleProperty: 'prefix',
      listProperties: ['prefix', 'name', 'clientId', 'lastUsedAt', 'revokedAt', 'createdAt'],
      showProperties: ['_id', 'prefix', 'name', 'clientId', 'lastUsedAt', 'revokedAt', 'createdAt', 'updatedAt'],
      editProperties: ['name'],
      filterProperties: ['clientId', 'prefix', 'name', 'revokedAt', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: {
        prefix: { description: 'The public part of the key; the secret part is stored only as a hash.' },
      },
      translations: { en: { actions: { revoke: 'Revoke' } } },
      actions: {
        // Keys are created through the client ("New API key"), which shows the key once.
        new: { isAccessible: false },
        edit: { before: onlyFields('name') },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        revoke: {
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          component: false,
          guard: 'Revoke this API key? Requests that use it are refused from now on.',
          isAccessible: ({ record }) => !record?.params.revokedAt,
          handler: serviceRecordAction(async (id) => {
            await services.clients.revokeApiKey(id);
            return 'API key revoked.';
          }),
        },
      },
    },
  };
}
