/** Housekeeping jobs: scheduled campaign starts and periodic credential re-checks. */
import type { Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { QUEUE } from '../../src/queues/names.js';
import { StartCampaignJob } from '../../src/queues/payloads.js';
import type { Reconciler } from '../reconciler.js';

export const RECHECK_CREDENTIALS_EVERY_MS = 6 * 3600_000;

export function maintenanceProcessor(deps: Deps, reconciler: Reconciler) {
  return async (job: Job) => {
    switch (job.name) {
      case 'start-campaign':
        return reconciler.startCampaign(StartCampaignJob.parse(job.data).campaignId);
      case 'recheck-credentials': {
        const credentials = await deps.models.Credential.find({}, { _id: 1, secretsVersion: 1 }).lean();
        await deps.queues[QUEUE.credentialChecks].addBulk(credentials.map((credential) => ({
          name: 'verify',
          data: { credentialId: String(credential._id), secretsVersion: credential.secretsVersion },
          opts: { jobId: `recheck-${credential._id}-${Math.floor(Date.now() / RECHECK_CREDENTIALS_EVERY_MS)}`, removeOnComplete: true, removeOnFail: 1000, attempts: 3, backoff: { type: 'exponential', delay: 30_000 } },
        })));
        return { enqueued: credentials.length };
      }
      default:
        throw new Error(`unknown maintenance job ${job.name}`);
    }
  };
}

/** Job schedulers are idempotent upserts: every worker may call this at start. */
export async function scheduleMaintenance(deps: Deps): Promise<void> {
  const queue = deps.queues[QUEUE.maintenance];
  await queue.upsertJobScheduler('recheck-credentials', { every: RECHECK_CREDENTIALS_EVERY_MS }, { name: 'recheck-credentials', opts: { removeOnComplete: true, removeOnFail: 100 } });
}
