/**
 * The pre-flight estimate every accepted campaign carries (contract §3): how fast it can go,
 * what the messaging tier leaves, when it should finish, and what will slow it down.
 */
import type { Deps } from '../../deps.js';
import { baseRate, type RateSource } from '../../sending/rate.js';
import { DAY_MS, reachedInLastDay, tierLimit } from '../../sending/tier.js';

interface EstimateCredential extends RateSource {
  _id: unknown;
  wabaId: string;
  lastError?: string | null;
  phone?: RateSource['phone'] & { messagingLimitTier?: string | null; qualityRating?: string | null };
}

export async function estimateCampaign(
  deps: Pick<Deps, 'models' | 'redis' | 'keyPrefix'>,
  credential: EstimateCredential,
  recipients: number,
  startsAt: Date,
  sendWindow?: { from: string; to: string; timezone?: string },
) {
  const messagesPerSecond = baseRate(credential);
  const warnings: string[] = [];
  const tier = credential.phone?.messagingLimitTier ?? null;
  const limit = tierLimit(tier);
  let tierRemaining: number | null = null;
  if (limit !== null) {
    let reached = 0;
    try {
      reached = await reachedInLastDay(deps.redis, deps.keyPrefix, credential.wabaId);
    } catch {
      warnings.push('The messaging-limit usage could not be read just now; the estimate assumes none of it is used.');
    }
    tierRemaining = Math.max(0, limit - reached);
  }

  const ahead = await deps.models.Message.countDocuments({ credentialId: credential._id, status: 'queued' });
  let secondsToComplete = Math.ceil((ahead + recipients) / messagesPerSecond);
  if (ahead > 0) warnings.push(`${ahead} messages are already queued on this number and go first.`);
  if (limit !== null && tierRemaining !== null && recipients > tierRemaining) {
    const waitingDays = Math.ceil((recipients - tierRemaining) / limit);
    secondsToComplete += waitingDays * (DAY_MS / 1000);
    warnings.push(`The messaging limit (${tier ?? 'TIER_250'}) leaves ${tierRemaining} new recipients in the moving 24 hours, but this campaign has ${recipients}; the rest wait until the limit frees up (about ${waitingDays} more day${waitingDays === 1 ? '' : 's'}) and are never sent over it.`);
  }
  if (credential.phone?.qualityRating?.toUpperCase() === 'RED') {
    warnings.push('The phone number\'s quality rating is RED; Meta may lower its messaging limit or pause templates.');
  }
  if (sendWindow) {
    warnings.push(`Messages are only sent between ${sendWindow.from} and ${sendWindow.to} (${sendWindow.timezone ?? 'recipient'} time); the estimate does not count the waits outside the window.`);
  }
  return {
    messagesPerSecond,
    tierRemaining,
    secondsToComplete,
    completesAt: new Date(startsAt.getTime() + secondsToComplete * 1000).toISOString(),
    warnings,
  };
}
