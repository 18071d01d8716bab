/** Message templates as synced from Meta: read-only here (Meta is their source of truth). */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import { READ_ONLY_ACTIONS } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

export function templatesResource(deps: Deps): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.Template),
    options: {
      navigation: NAV.meta,
      listProperties: ['name', 'language', 'status', 'category', 'credentialId', 'syncedAt'],
      showProperties: ['name', 'language', 'status', 'category', 'parameterFormat', 'parameters', 'components', 'credentialId', 'clientId', 'wabaId', 'metaId', 'syncedAt'],
      filterProperties: ['name', 'language', 'status', 'category', 'credentialId', 'clientId'],
      sort: { sortBy: 'syncedAt', direction: 'desc' },
      properties: {
        components: { type: 'mixed', components: { show: Components.JsonView } },
        parameters: { type: 'mixed', components: { show: Components.JsonView } },
      },
      actions: READ_ONLY_ACTIONS,
    },
  };
}
