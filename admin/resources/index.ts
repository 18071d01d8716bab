/**
 * Every resource of the panel, each passed through `secureResource`, which gives all of their
 * actions the role check and the audit trail in one place.
 */
import type { ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { secureResource } from '../policy/secure-resource.js';
import type { AdminServices } from '../services.js';
import { apiKeysResource } from './api-keys.resource.js';
import { auditLogsResource } from './audit-logs.resource.js';
import { campaignsResource } from './campaigns.resource.js';
import { clientsResource } from './clients.resource.js';
import { credentialsResource } from './credentials.resource.js';
import { eventDeliveriesResource } from './event-deliveries.resource.js';
import { messagesResource } from './messages.resource.js';
import { operatorsResource } from './operators.resource.js';
import { optOutsResource } from './opt-outs.resource.js';
import { templatesResource } from './templates.resource.js';
import { webhookEndpointsResource } from './webhook-endpoints.resource.js';
import { webhookEventsResource } from './webhook-events.resource.js';

export function adminResources(deps: Deps, services: AdminServices): ResourceWithOptions[] {
  const resources = [
    campaignsResource(deps, services),
    messagesResource(deps),
    optOutsResource(deps, services),
    clientsResource(deps, services),
    apiKeysResource(deps, services),
    credentialsResource(deps, services),
    webhookEndpointsResource(deps, services),
    eventDeliveriesResource(deps),
    templatesResource(deps),
    webhookEventsResource(deps),
    operatorsResource(deps, services),
    auditLogsResource(deps),
  ];
  return resources.map((resource) => secureResource(resource, services.audit));
}
