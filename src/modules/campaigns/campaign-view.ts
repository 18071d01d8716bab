/** Campaigns and messages as the API shows them. */
import { MESSAGE_STATUSES } from '../../db/models/campaign.model.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

export function countsOf(doc: Doc | undefined) {
  const counts: Record<string, number> = { total: doc?.total ?? 0 };
  for (const status of MESSAGE_STATUSES) counts[status] = doc?.[status] ?? 0;
  return counts as Record<'total' | (typeof MESSAGE_STATUSES)[number], number>;
}

export function campaignView(doc: Doc) {
  return {
    id: String(doc._id),
    name: doc.name,
    status: doc.status,
    pausedReason: doc.status === 'paused' ? doc.pausedReason ?? null : null,
    credentialId: String(doc.credentialId),
    template: { name: doc.template.name, language: doc.template.language, components: doc.template.components ?? [] },
    counts: countsOf(doc.counts),
    cost: {
      billable: doc.cost?.billable ?? 0,
      byCategory: {
        marketing: doc.cost?.marketing ?? 0,
        utility: doc.cost?.utility ?? 0,
        authentication: doc.cost?.authentication ?? 0,
        service: doc.cost?.service ?? 0,
      },
    },
    sendWindow: doc.sendWindow ?? null,
    scheduledAt: iso(doc.scheduledAt),
    startedAt: iso(doc.startedAt),
    completedAt: iso(doc.completedAt),
    createdAt: iso(doc.createdAt)!,
  };
}

export function messageView(doc: Doc) {
  return {
    id: String(doc._id),
    campaignId: doc.campaignId ? String(doc.campaignId) : null,
    credentialId: String(doc.credentialId),
    to: doc.to,
    ref: doc.ref ?? null,
    status: doc.status,
    wamid: doc.wamid ?? null,
    attempts: doc.attempts ?? 0,
    error: doc.error?.code !== undefined ? { code: doc.error.code, title: doc.error.title ?? null, message: doc.error.message ?? null } : null,
    waitReason: doc.status === 'queued' ? doc.waitReason ?? null : null,
    statusHistory: (doc.statusHistory ?? []).map((entry: Doc) => ({ status: entry.status, at: iso(entry.at)! })),
    pricing: doc.pricing ? {
      billable: doc.pricing.billable ?? null, pricingModel: doc.pricing.pricingModel ?? null,
      type: doc.pricing.type ?? null, category: doc.pricing.category ?? null,
    } : null,
    createdAt: iso(doc.createdAt)!,
    updatedAt: iso(doc.updatedAt)!,
  };
}
