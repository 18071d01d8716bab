/**
 * The reconciler (invariant 1): MongoDB is the truth and Redis is rebuildable. On worker start,
 * every 15 s and at once when Redis lost its data (runtime.ts), it finds what should be moving but
 * is not — released messages whose job is gone (Redis flushed or restarted empty), messages stuck
 * in `sending` (a crash mid-send, an answer lost and no status webhook within the grace period),
 * scheduled campaigns that are due, senders missing from the dispatcher's list, stored Meta
 * webhooks never processed — and sets it moving again. It also re-derives the counts and cost of
 * quiet campaigns from their messages, so they are exact after any crash.
 */
import type { Deps } from '../src/deps.js';
import { MESSAGE_STATUSES } from '../src/db/models/campaign.model.js';
import { announceCampaignStatus } from '../src/modules/events/announce.js';
import { createTransitions } from '../src/modules/messages/transitions.js';
import { requeuePendingWebhookEvents } from '../src/modules/webhooks/webhook-queue.js';
import { costCategoryOf, isCharged } from './webhooks/pricing.js';
import { freeJobId } from '../src/queues/job-ids.js';
import { QUEUE } from '../src/queues/names.js';
import { markSenderActive } from '../src/sending/active-senders.js';

/** A release older than this with no job behind it has lost its job. */
const RELEASE_GRACE_MS = 30_000;
/** How long a send without an answer waits for its status webhook before it is sent again. */
export const SENDING_GRACE_MS = 120_000;
/** Campaigns with no status change for this long get their counts re-derived. */
const QUIET_MS = 10_000;
const COST_CATEGORIES = ['marketing', 'utility', 'authentication', 'service'];
const BATCH = 1_000;

export function createReconciler(deps: Deps, options: { sendingGraceMs?: number; releaseGraceMs?: number; quietMs?: number } = {}) {
  const { Message, Campaign } = deps.models;
  const transitions = createTransitions(deps.models);
  const sendQueue = deps.queues[QUEUE.send];
  const count = (kind: string, n: number) => { if (n > 0) deps.metrics.reconciled.inc({ kind }, n); };

  async function lostJobs(releaseGraceMs = options.releaseGraceMs ?? RELEASE_GRACE_MS): Promise<number> {
    const cutoff = new Date(Date.now() - releaseGraceMs);
    let repaired = 0;
    let lastId: unknown = null;
    for (;;) {
      const released = await Message.find(
        { status: 'queued', releasedAt: { $lt: cutoff }, ...(lastId ? { _id: { $gt: lastId } } : {}) }, { _id: 1 },
      ).sort({ _id: 1 }).limit(BATCH).lean();
      if (released.length === 0) break;
      lastId = released[released.length - 1]._id;
      const free = await Promise.all(released.map((doc) => freeJobId(sendQueue, String(doc._id))));
      const lost = released.filter((_, index) => free[index]);
      if (lost.length > 0) {
        const result = await Message.updateMany({ _id: { $in: lost.map((doc) => doc._id) }, status: 'queued' }, { $unset: { releasedAt: 1 } });
        repaired += result.modifiedCount;
      }
    }
    count('lost_job', repaired);
    return repaired;
  }

  async function stuckSending(): Promise<number> {
    const cutoff = new Date(Date.now() - (options.sendingGraceMs ?? SENDING_GRACE_MS));
    const stuck = await Message.find({ status: 'sending', sendingSince: { $lt: cutoff } }, { _id: 1 }).limit(BATCH * 10).lean();
    let repaired = 0;
    for (const doc of stuck) {
      const moved = await transitions.move(doc._id, 'queued', {
        from: ['sending'], where: { sendingSince: { $lt: cutoff } },
        note: 'no answer from Meta and no status webhook within the grace period; sending again',
        unset: ['releasedAt', 'sendingSince'], set: { waitReason: 'resending: the previous attempt got no answer' },
      });
      if (moved) repaired++;
    }
    count('stuck_sending', repaired);
    return repaired;
  }

  async function dueCampaigns(): Promise<number> {
    const now = new Date();
    const due = await Campaign.find({ status: 'scheduled', scheduledAt: { $lte: now } }, { _id: 1 }).lean();
    for (const campaign of due) await startCampaign(String(campaign._id));
    count('scheduled_start', due.length);
    return due.length;
  }

  async function startCampaign(campaignId: string): Promise<boolean> {
    const started = await Campaign.findOneAndUpdate(
      { _id: campaignId, status: 'scheduled' }, { $set: { status: 'running', startedAt: new Date() } }, { new: true },
    ).lean();
    if (!started) return false;
    announceCampaignStatus(deps.models, started);
    await markSenderActive(deps.redis, deps.keyPrefix, String(started.credentialId));
    await transitions.completeIfDone(campaignId);
    return true;
  }

  async function activeSenders(): Promise<number> {
    const running = await Campaign.distinct('credentialId', { status: 'running' });
    const singles = await Message.distinct('credentialId', { status: 'queued', $or: [{ campaignId: null }, { test: true }] });
    const ids = new Set([...running, ...singles].map(String));
    for (const id of ids) await markSenderActive(deps.redis, deps.keyPrefix, id);
    return ids.size;
  }

  /** Counts and cost re-derived from the messages themselves (they are the truth). */
  async function exactTotals(campaignId: unknown) {
    const [byStatus, byPricing] = await Promise.all([
      Message.aggregate<{ _id: string; n: number }>([
        { $match: { campaignId, test: { $ne: true } } },
        { $group: { _id: '$status', n: { $sum: 1 } } },
      ]),
      Message.aggregate<{ _id: { type?: string; billable?: boolean; category?: string }; n: number }>([
        { $match: { campaignId, test: { $ne: true }, pricing: { $ne: null } } },
        { $group: { _id: { type: '$pricing.type', billable: '$pricing.billable', category: '$pricing.category' }, n: { $sum: 1 } } },
      ]),
    ]);
    const set: Record<string, number> = Object.fromEntries(MESSAGE_STATUSES.map((status) => [`counts.${status}`, 0]));
    for (const row of byStatus) set[`counts.${row._id}`] = row.n;
    for (const field of ['billable', ...COST_CATEGORIES]) set[`cost.${field}`] = 0;
    for (const row of byPricing) {
      if (!isCharged(row._id)) continue;
      set['cost.billable'] += row.n;
      const category = costCategoryOf(row._id.category);
      if (category) set[`cost.${category}`] += row.n;
    }
    return set;
  }

  /** Writes the exact totals unless the campaign moved meanwhile (the next round looks again). */
  async function recount(campaign: { _id: unknown; counts?: unknown; cost?: unknown; lastActivityAt?: Date | null }): Promise<boolean> {
    const exact = await exactTotals(campaign._id);
    const current = { counts: campaign.counts ?? {}, cost: campaign.cost ?? {} } as unknown as Record<string, Record<string, number>>;
    const same = Object.entries(exact).every(([path, value]) => {
      const [group, field] = path.split('.');
      return (current[group]?.[field] ?? 0) === value;
    });
    if (same) return false;
    const result = await Campaign.updateOne({ _id: campaign._id, lastActivityAt: campaign.lastActivityAt ?? null }, { $set: exact });
    if (result.modifiedCount !== 1) return false;
    await transitions.completeIfDone(campaign._id as string);
    return true;
  }

  async function recountQuietCampaigns(): Promise<number> {
    const quiet = new Date(Date.now() - (options.quietMs ?? QUIET_MS));
    const campaigns = await Campaign.find(
      { lastActivityAt: { $lt: quiet, $gt: new Date(Date.now() - 24 * 3600 * 1000) } }, { _id: 1, counts: 1, cost: 1, lastActivityAt: 1 },
    ).lean();
    let fixed = 0;
    for (const campaign of campaigns) if (await recount(campaign)) fixed++;
    count('recount', fixed);
    return fixed;
  }

  /**
   * Running campaigns with nothing queued or sending are complete. Their counters may say
   * otherwise after a crash lost a batch of counter updates: the messages decide, at once.
   */
  async function completeFinished(): Promise<void> {
    const running = await Campaign.find({ status: 'running' }, { _id: 1, counts: 1, cost: 1, lastActivityAt: 1 }).lean();
    for (const campaign of running) {
      const counts = campaign.counts as unknown as Record<string, number> | undefined;
      if (!counts?.queued && !counts?.sending) {
        await transitions.completeIfDone(campaign._id);
      } else if (!(await Message.exists({ campaignId: campaign._id, status: { $in: ['queued', 'sending'] }, test: { $ne: true } }))) {
        if (await recount(campaign)) count('recount', 1);
      }
    }
  }

  return {
    startCampaign,
    /**
     * `redisLost`: Redis lost everything, so no job can still be on its way; releases and stored
     * webhooks are repaired without their usual grace (enqueueing twice is harmless: job ids).
     */
    async run({ redisLost = false } = {}) {
      const report = {
        lostJobs: await lostJobs(redisLost ? 0 : undefined),
        stuckSending: await stuckSending(),
        dueCampaigns: await dueCampaigns(),
        recounted: await recountQuietCampaigns(),
        webhookEvents: await requeuePendingWebhookEvents(deps, redisLost ? { graceMs: 0 } : {}),
        activeSenders: await activeSenders(),
      };
      await completeFinished();
      return report;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
