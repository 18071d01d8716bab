/** The audit log: every change operators made or tried, newest first. Nobody edits history. */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import { READ_ONLY_ACTIONS } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

export function auditLogsResource(deps: Deps): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.AuditLog),
    options: {
      navigation: NAV.panel,
      listProperties: ['at', 'operatorEmail', 'resource', 'action', 'recordIds', 'outcome'],
      showProperties: ['at', 'operatorEmail', 'operatorId', 'resource', 'action', 'recordIds', 'outcome', 'message', 'before', 'after', 'ip'],
      filterProperties: ['operatorEmail', 'resource', 'action', 'outcome', 'at'],
      sort: { sortBy: 'at', direction: 'desc' },
      properties: {
        before: { type: 'mixed', components: { show: Components.JsonView } },
        after: { type: 'mixed', components: { show: Components.JsonView } },
      },
      actions: READ_ONLY_ACTIONS,
    },
  };
}
