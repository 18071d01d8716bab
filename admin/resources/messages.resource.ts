/**
 * Messages: read-only (they change through the send pipeline and Meta's webhooks). Filter by
 * campaign, status, recipient and Meta error code; the status history shows every transition.
 */
import type { Before, ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import { READ_ONLY_ACTIONS } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

/** Recipients are stored as digits; an operator may paste "+49 170 …". */
const recipientAsDigits: Before = (request) => {
  const to = request.query?.['filters.to'];
  if (typeof to !== 'string') return request;
  return { ...request, query: { ...request.query, 'filters.to': to.replace(/\D/g, '') } };
};

export function messagesResource(deps: Deps): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.Message),
    options: {
      navigation: NAV.sending,
      titleProperty: 'to',
      listProperties: ['to', 'status', 'campaignId', 'credentialId', 'error.code', 'attempts', 'updatedAt'],
      showProperties: [
        'to', 'status', 'statusHistory', 'error', 'errorKind', 'waitReason', 'campaignId', 'credentialId', 'clientId', 'kind', 'ref',
        'wamid', 'waId', 'attempts', 'throttles', 'pricing', 'template', 'components', 'text',
        'acceptedAt', 'sentAt', 'deliveredAt', 'readAt', 'failedAt', 'createdAt', 'updatedAt',
      ],
      filterProperties: ['campaignId', 'status', 'to', 'error.code', 'credentialId', 'clientId', 'wamid', 'createdAt'],
      sort: { sortBy: '_id', direction: 'desc' },
      properties: {
        to: { description: 'Recipient, digits only.' },
        statusHistory: { isVisible: { list: false, filter: false, show: true, edit: false } },
        template: { type: 'mixed', components: { show: Components.JsonView } },
        components: { type: 'mixed', components: { show: Components.JsonView } },
      },
      translations: { en: { properties: { 'error.code': 'Error code', to: 'Recipient' } } },
      actions: { ...READ_ONLY_ACTIONS, list: { before: recipientAsDigits } },
    },
  };
}
