/**
 * The services the panel acts through. These are the same functions the REST API and the CLI
 * call, so an operator's pause, key or secret rotation follows exactly the same rules.
 */
import type { Deps } from '../src/deps.js';
import { createCampaignsService } from '../src/modules/campaigns/campaigns.service.js';
import { createTestSends } from '../src/modules/campaigns/test-send.js';
import { createClientsService } from '../src/modules/clients/clients.service.js';
import { createCredentialsService } from '../src/modules/credentials/credentials.service.js';
import { createEndpointsService } from '../src/modules/events/endpoints.service.js';
import { createOperatorsService } from '../src/modules/operators/operators.service.js';
import { createOptOutsService } from '../src/modules/opt-outs/opt-outs.service.js';
import { createAuditTrail } from './audit/audit-trail.js';

export function createAdminServices(deps: Deps) {
  return {
    campaigns: createCampaignsService(deps),
    clients: createClientsService(deps),
    credentials: createCredentialsService(deps),
    endpoints: createEndpointsService(deps),
    testSends: createTestSends(deps),
    operators: createOperatorsService(deps),
    optOuts: createOptOutsService(deps),
    audit: createAuditTrail(deps),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
