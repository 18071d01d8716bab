/**
 * Meta webhook deliveries as the webhook route stored them: the raw body, whether and how it was
 * processed, and why not. Read-only: they are evidence of what Meta said.
 */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import { READ_ONLY_ACTIONS } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

export function webhookEventsResource(deps: Deps): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.WebhookEvent),
    options: {
      navigation: NAV.meta,
      listProperties: ['receivedAt', 'status', 'fields', 'phoneNumberIds', 'attempts', 'processedAt', 'error'],
      showProperties: [
        'receivedAt', 'status', 'error', 'summary', 'fields', 'wabaIds', 'phoneNumberIds', 'attempts', 'retryKeys', 'processedAt',
        'signatureVerified', 'verifiedWith', 'bodySha256', 'body',
      ],
      filterProperties: ['status', 'fields', 'phoneNumberIds', 'wabaIds', 'receivedAt', 'processedAt'],
      sort: { sortBy: 'receivedAt', direction: 'desc' },
      properties: {
        body: { type: 'textarea', components: { show: Components.JsonView }, description: 'The delivery exactly as Meta sent it.' },
        error: { type: 'textarea' },
      },
      translations: { en: { properties: { body: 'Raw payload', summary: 'Outcome' } } },
      actions: READ_ONLY_ACTIONS,
    },
  };
}
