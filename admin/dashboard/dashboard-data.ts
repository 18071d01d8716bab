/**
 * What the dashboard shows, in one call: today's messages by status, sends per minute over the
 * last hour, campaigns running or paused (with why), queue depths, and credentials that need
 * attention. Every query is bounded (a time range on an index, or a limit).
 */
import { Types } from 'mongoose';
import type { Deps } from '../../src/deps.js';
import { MESSAGE_STATUSES } from '../../src/db/models/campaign.model.js';

const MINUTE_MS = 60_000;
const CHART_MINUTES = 60;
const LIST_LIMIT = 20;
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

export type DashboardData = Awaited<ReturnType<typeof loadDashboardData>>;

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Messages created today (UTC) by their current status. `_id` carries the creation time, and is indexed. */
async function todayByStatus(deps: Deps, now: Date) {
  const since = Types.ObjectId.createFromTime(Math.floor(startOfUtcDay(now).getTime() / 1000));
  const groups = await deps.models.Message.aggregate<{ _id: string; count: number }>([
    { $match: { _id: { $gte: since } } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const counts = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, 0])) as Record<string, number>;
  for (const group of groups) counts[group._id] = group.count;
  return counts;
}

/** Messages Meta accepted, per minute, oldest first; minutes without sends are zeros. */
async function sendsPerMinute(deps: Deps, now: Date) {
  const end = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const start = end - CHART_MINUTES * MINUTE_MS;
  const accepted = await deps.models.Message.aggregate<{ _id: number; count: number }>([
    { $match: { acceptedAt: { $gte: new Date(start), $lt: new Date(end) } } },
    { $group: { _id: { $floor: { $divide: [{ $subtract: ['$acceptedAt', new Date(start)] }, MINUTE_MS] } }, count: { $sum: 1 } } },
  ]);
  const perMinute = Array.from({ length: CHART_MINUTES }, (_, index) => ({ minute: new Date(start + index * MINUTE_MS).toISOString(), count: 0 }));
  for (const bucket of accepted) {
    if (bucket._id >= 0 && bucket._id < CHART_MINUTES) perMinute[bucket._id].count = bucket.count;
  }
  return perMinute;
}

async function activeCampaigns(deps: Deps) {
  const campaigns = await deps.models.Campaign.find(
    { status: { $in: ['running', 'paused'] } },
    { name: 1, status: 1, pausedReason: 1, pausedBy: 1, counts: 1, credentialId: 1 },
  ).sort({ _id: -1 }).limit(LIST_LIMIT).lean();
  return campaigns.map((campaign) => ({
    id: String(campaign._id),
    name: campaign.name,
    status: campaign.status,
    pausedReason: campaign.pausedReason ?? null,
    pausedBy: campaign.pausedBy ?? null,
    total: campaign.counts?.total ?? 0,
    done: (campaign.counts?.total ?? 0) - (campaign.counts?.queued ?? 0) - (campaign.counts?.sending ?? 0),
    failed: campaign.counts?.failed ?? 0,
  }));
}

/** Job counts per queue; null for a queue Redis could not answer for, so the rest still shows. */
async function queueDepths(deps: Deps) {
  return Promise.all(Object.entries(deps.queues).map(async ([name, queue]) => ({
    name,
    counts: await queue.getJobCounts(...JOB_STATES).catch((error: unknown) => {
      deps.log.warn({ err: error, queue: name }, 'dashboard could not read queue depths');
      return null;
    }),
  })));
}

/** Not connected, or Meta rates the number's quality RED. */
async function credentialsNeedingAttention(deps: Deps) {
  const credentials = await deps.models.Credential.find(
    { $or: [{ status: { $ne: 'connected' } }, { 'phone.qualityRating': 'RED' }] },
    { name: 1, status: 1, lastError: 1, lastCheckedAt: 1, phone: 1, phoneNumberId: 1 },
  ).sort({ updatedAt: -1 }).limit(LIST_LIMIT).lean();
  return credentials.map((credential) => ({
    id: String(credential._id),
    name: credential.name ?? credential.phone?.displayPhoneNumber ?? credential.phoneNumberId,
    status: credential.status,
    quality: credential.phone?.qualityRating ?? null,
    tier: credential.phone?.messagingLimitTier ?? null,
    lastError: credential.lastError ?? null,
    lastCheckedAt: credential.lastCheckedAt ? credential.lastCheckedAt.toISOString() : null,
  }));
}

export async function loadDashboardData(deps: Deps, now = new Date()) {
  const [today, perMinute, campaigns, queues, credentials] = await Promise.all([
    todayByStatus(deps, now),
    sendsPerMinute(deps, now),
    activeCampaigns(deps),
    queueDepths(deps),
    credentialsNeedingAttention(deps),
  ]);
  return { generatedAt: now.toISOString(), today, perMinute, campaigns, queues, credentials };
}
