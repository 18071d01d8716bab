/** Verifies one credential with Meta (on create, on token change, and on the periodic re-check). */
import type { Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { createCredentialsService } from '../../src/modules/credentials/credentials.service.js';
import { CredentialCheckJob } from '../../src/queues/payloads.js';

export function credentialCheckProcessor(deps: Deps) {
  const credentials = createCredentialsService(deps);
  return async (job: Job) => {
    const { credentialId } = CredentialCheckJob.parse(job.data);
    const updated = await credentials.runVerification(credentialId);
    return { status: updated?.status ?? 'deleted' };
  };
}
