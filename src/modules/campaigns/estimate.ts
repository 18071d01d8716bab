/**
 * The pre-flight estimate every accepted campaign carries (contract §3), from what actually
 * limits it: the number's current rate (lowered after Meta throttled it), the messages already
 * queued on the number ahead of it, the messaging tier's budget left in the moving 24 h (people
 * reached in that time do not count again), and the send window of each recipient's zone. A
 * campaign larger than the budget is accepted with a warning: the rest waits for the budget and
 * is never sent over it (the sender reserves a tier place per recipient, src/sending/tier.ts).
 */
import type { Deps } from '../../deps.js';
import { wabaKeys } from '../../sending/keys.js';
import { currentRate } from '../../sending/pace.js';
import { baseRate, type RateSource } from '../../sending/rate.js';
import type { SendWindowSpec } from '../../sending/send-window.js';
import type { WindowPlan } from '../../sending/send-window-plan.js';
import { windowedFinish } from '../../sending/send-window-schedule.js';
import { DAY_MS, reachedInLastDay, tierLimit } from '../../sending/tier.js';

interface EstimateCredential extends RateSource {
  _id: unknown;
  wabaId: string;
  phoneNumberId: string;
  phone?: RateSource['phone'] & { messagingLimitTier?: string | null; qualityRating?: string | null };
}

export interface EstimateInput {
  phones: string[];
  startsAt: Date;
  sendWindow?: SendWindowSpec;
  windowPlan?: WindowPlan;
}

type EstimateDeps = Pick<Deps, 'models' | 'redis' | 'keyPrefix'>;

const CHUNK = 5_000;

interface TierBudget {
  /** New recipients the tier still allows in the moving 24 h; null for an unlimited tier. */
  remaining: number | null;
  /** Recipients of this campaign not reached in the last 24 h. */
  newRecipients: number;
  unreadable: boolean;
}

/**
 * How much of the messaging tier a campaign would use: Meta counts unique people reached in a
 * moving 24 h, so recipients already reached in that time cost nothing again. Read from the same
 * Redis set the sender reserves places in (src/sending/tier.ts).
 */
async function tierBudget(deps: Pick<Deps, 'redis' | 'keyPrefix'>, wabaId: string, limit: number | null, phones: string[]): Promise<TierBudget> {
  if (limit === null) return { remaining: null, newRecipients: phones.length, unreadable: false };
  try {
    const now = Date.now();
    const reached = await reachedInLastDay(deps.redis, deps.keyPrefix, wabaId, now);
    let already = 0;
    if (reached > 0) {
      const key = wabaKeys(deps.keyPrefix, wabaId).reached;
      for (let start = 0; start < phones.length; start += CHUNK) {
        const scores = await deps.redis.zmscore(key, ...phones.slice(start, start + CHUNK));
        already += scores.filter((score) => score !== null && Number(score) > now - DAY_MS).length;
      }
    }
    return { remaining: Math.max(0, limit - reached), newRecipients: phones.length - already, unreadable: false };
  } catch {
    return { remaining: limit, newRecipients: phones.length, unreadable: true };
  }
}

/** Queued messages that go before this campaign: single messages and those of running campaigns on the number. */
async function queuedAhead(deps: EstimateDeps, credentialId: unknown): Promise<number> {
  const running = await deps.models.Campaign.find({ credentialId, status: 'running' }, { _id: 1 }).lean();
  return deps.models.Message.countDocuments({
    credentialId, status: 'queued', $or: [{ campaignId: null }, { test: true }, { campaignId: { $in: running.map((campaign) => campaign._id) } }],
  });
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export async function estimateCampaign(deps: EstimateDeps, credential: EstimateCredential, input: EstimateInput) {
  const warnings: string[] = [];
  const base = baseRate(credential);
  const messagesPerSecond = await currentRate(deps.redis, deps.keyPrefix, credential.phoneNumberId, base).catch(() => base);
  if (messagesPerSecond < base) warnings.push(`Meta recently throttled this number, so it sends at ${messagesPerSecond} instead of ${base} messages per second for now.`);
  const recipients = input.phones.length;
  const ahead = await queuedAhead(deps, credential._id);
  if (ahead > 0) warnings.push(`${plural(ahead, 'message')} already queued on this number go first.`);

  const startMs = input.startsAt.getTime() + (ahead / messagesPerSecond) * 1000;
  let finishMs: number | null = startMs + (recipients / messagesPerSecond) * 1000;
  if (input.sendWindow && input.windowPlan) {
    finishMs = windowedFinish(input.sendWindow, input.windowPlan.zones, messagesPerSecond, startMs);
    const { waiting, firstOpening } = input.windowPlan;
    if (waiting > 0) warnings.push(`${plural(waiting, 'recipient')} ${waiting === 1 ? 'is' : 'are'} outside the send window now; their messages wait until it opens (the first at ${firstOpening!.toISOString()}).`);
    if (finishMs === null) warnings.push('Within its send window this campaign would take more than 60 days; the estimate stops there.');
  }

  const tier = credential.phone?.messagingLimitTier ?? null;
  const limit = tierLimit(tier);
  const budget = await tierBudget(deps, credential.wabaId, limit, input.phones);
  if (budget.unreadable) warnings.push('The messaging-limit usage could not be read just now; the estimate assumes none of it is used.');
  const needed = budget.newRecipients + ahead;
  if (limit !== null && budget.remaining !== null && needed > budget.remaining) {
    const waitingDays = Math.ceil((needed - budget.remaining) / limit);
    if (finishMs !== null) finishMs += waitingDays * DAY_MS;
    warnings.push(`The messaging limit (${tier ?? 'TIER_250'}) leaves ${budget.remaining} new recipients in the moving 24 hours, but ${needed} are needed (this campaign's ${budget.newRecipients} not reached in the last 24 hours${ahead ? `, plus up to ${ahead} queued before it` : ''}); the rest wait until the limit frees up (about ${plural(waitingDays, 'more day')}) and are never sent over it.`);
  }
  if (credential.phone?.qualityRating?.toUpperCase() === 'RED') {
    warnings.push('The phone number\'s quality rating is RED; Meta may lower its messaging limit or pause templates.');
  }
  const end = finishMs ?? startMs + 60 * DAY_MS;
  const secondsToComplete = Math.max(0, Math.ceil((end - input.startsAt.getTime()) / 1000));
  return {
    messagesPerSecond,
    tierRemaining: budget.remaining,
    secondsToComplete,
    completesAt: new Date(input.startsAt.getTime() + secondsToComplete * 1000).toISOString(),
    warnings,
  };
}
