/**
 * The delivery log of outbound events: each event on its way to an endpoint, with its attempts,
 * the endpoint's answers (status and the first 1 kB) and the next retry. Read-only: deliveries
 * are made by the workers.
 */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import { READ_ONLY_ACTIONS } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const json = { type: 'mixed' as const, isVisible: { list: false, filter: false, show: true, edit: false }, components: { show: Components.JsonView } };

export function eventDeliveriesResource(deps: Deps): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.EventDelivery),
    options: {
      navigation: NAV.clients,
      titleProperty: 'eventId',
      listProperties: ['eventId', 'type', 'status', 'attempts', 'nextAttemptAt', 'endpointId', 'createdAt'],
      showProperties: ['_id', 'eventId', 'type', 'status', 'attempts', 'nextAttemptAt', 'deliveredAt', 'failedAt', 'endpointId', 'clientId', 'answers', 'body', 'createdAt'],
      filterProperties: ['endpointId', 'clientId', 'status', 'type', 'eventId', 'createdAt'],
      sort: { sortBy: '_id', direction: 'desc' },
      properties: { answers: json, body: { ...json, type: 'textarea' as const } },
      actions: READ_ONLY_ACTIONS,
    },
  };
}
