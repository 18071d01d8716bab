/** What every webhook handler works with, built once per worker process. */
import type { Deps } from '../../src/deps.js';
import { AppError } from '../../src/errors.js';
import { createCampaignsService } from '../../src/modules/campaigns/campaigns.service.js';
import { createTransitions } from '../../src/modules/messages/transitions.js';
import { createOptOutsService, type OptOutSource } from '../../src/modules/opt-outs/opt-outs.service.js';
import { createMarkers } from './markers.js';

export function createWebhookContext(deps: Deps) {
  const optOuts = createOptOutsService(deps);
  return {
    deps,
    models: deps.models,
    transitions: createTransitions(deps.models),
    campaigns: createCampaignsService(deps),
    markers: createMarkers(deps.models),
    /** Idempotent; a number Meta reports that we cannot normalise is logged, not thrown. */
    async optOut(clientId: unknown, phone: string, source: OptOutSource): Promise<void> {
      try {
        await optOuts.add(String(clientId), phone, source);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        deps.log.warn({ clientId: String(clientId), source, reason: error.message }, 'a webhook asked for an opt-out of a number we cannot store');
      }
    },
    /** Unix seconds (Meta's timestamps) to a Date; a missing or absurd one is "now". */
    dateOf(seconds: number | undefined): Date {
      return seconds && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
    },
  };
}

export type WebhookContext = ReturnType<typeof createWebhookContext>;
