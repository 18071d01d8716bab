/**
 * Campaign counters and cost, batched. Every message transition moves a campaign's counts by one
 * (and a message's first charged pricing its cost); writing that to the campaign document per
 * message would double the writes of the send path and make one hot document of every large
 * campaign. Instead each process sums the deltas per campaign and writes them every ~100 ms with
 * one $inc per campaign. $inc keeps concurrent processes exact; a
 * crash loses at most the last batch, which the reconciler's recount of quiet campaigns repairs.
 */
import type { Models } from '../../db/models.js';
import type { MessageStatus } from '../../db/models/campaign.model.js';

const FLUSH_AFTER_MS = 100;
const IN_FLIGHT: readonly MessageStatus[] = ['queued', 'sending'];

interface Pending {
  /** By field path: `counts.<status>`, `cost.billable`, `cost.<category>`. */
  deltas: Map<string, number>;
  /** A message left queued/sending: the campaign may be complete now. */
  mayComplete: boolean;
}

export class CampaignCounters {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly Campaign: Models['Campaign']) {}

  add(campaignId: string, from: MessageStatus, to: MessageStatus): void {
    if (from === to) return;
    const entry = this.entryOf(campaignId);
    this.bump(entry, `counts.${from}`, -1);
    this.bump(entry, `counts.${to}`, 1);
    entry.mayComplete ||= IN_FLIGHT.includes(from) && !IN_FLIGHT.includes(to);
  }

  /** One more charged message, in `category` when it is one of the contract's. */
  addCost(campaignId: string, category: string | undefined): void {
    const entry = this.entryOf(campaignId);
    this.bump(entry, 'cost.billable', 1);
    if (category) this.bump(entry, `cost.${category}`, 1);
  }

  private entryOf(campaignId: string): Pending {
    let entry = this.pending.get(campaignId);
    if (!entry) {
      entry = { deltas: new Map(), mayComplete: false };
      this.pending.set(campaignId, entry);
    }
    this.timer ??= setTimeout(() => this.flushInBackground(), FLUSH_AFTER_MS).unref();
    return entry;
  }

  private bump(entry: Pending, field: string, delta: number): void {
    entry.deltas.set(field, (entry.deltas.get(field) ?? 0) + delta);
  }

  /** A failed write keeps its deltas and tries again (see write); nothing to report from a timer. */
  private flushInBackground(): void {
    this.flush().catch(() => {});
  }

  /** Writes everything pending; safe to call at any time (shutdown calls it). */
  async flush(): Promise<void> {
    await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => { this.flushing = undefined; });
    await this.flushing;
  }

  private async write(batch: Map<string, Pending>): Promise<void> {
    const now = new Date();
    try {
      await this.Campaign.bulkWrite([...batch].map(([campaignId, entry]) => ({
        updateOne: {
          filter: { _id: campaignId },
          update: {
            $inc: Object.fromEntries([...entry.deltas].filter(([, delta]) => delta !== 0)),
            $set: { lastActivityAt: now },
          },
        },
      })), { ordered: false });
    } catch (error) {
      // Keep the deltas for the next flush rather than lose them.
      for (const [campaignId, entry] of batch) {
        for (const [field, delta] of entry.deltas) {
          const target = this.pending.get(campaignId) ?? { deltas: new Map(), mayComplete: false };
          this.bump(target, field, delta);
          target.mayComplete ||= entry.mayComplete;
          this.pending.set(campaignId, target);
        }
      }
      this.timer ??= setTimeout(() => this.flushInBackground(), FLUSH_AFTER_MS * 10).unref();
      throw error;
    }
    const done = [...batch].filter(([, entry]) => entry.mayComplete).map(([campaignId]) => campaignId);
    for (const campaignId of done) {
      const completed = await completeIfDone(this.Campaign, campaignId, now);
      if (completed) this.onCompleted?.(completed);
    }
  }

  /** Told about each campaign these counters complete (the `campaign.status` event). */
  onCompleted: ((campaign: { _id: unknown; clientId: unknown; status: string; counts?: unknown }) => void) | undefined;
}

/**
 * The completion rule: a running campaign with nothing queued or sending is completed (contract
 * §3). Returns the campaign when this call completed it, for its `campaign.status` event.
 */
export async function completeIfDone(Campaign: Models['Campaign'], campaignId: unknown, now = new Date()) {
  return Campaign.findOneAndUpdate(
    { _id: campaignId, status: 'running', 'counts.queued': 0, 'counts.sending': 0 },
    { $set: { status: 'completed', completedAt: now } },
    { new: true, projection: { clientId: 1, status: 1, counts: 1 } },
  ).lean();
}

const byModel = new WeakMap<object, CampaignCounters>();

/** One buffer per process and connection, shared by every service that moves messages. */
export function campaignCounters(Campaign: Models['Campaign']): CampaignCounters {
  let counters = byModel.get(Campaign);
  if (!counters) {
    counters = new CampaignCounters(Campaign);
    byModel.set(Campaign, counters);
  }
  return counters;
}
