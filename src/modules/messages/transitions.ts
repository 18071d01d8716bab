/**
 * The one way a message changes status. Each change is a compare-and-set on the message (so a
 * duplicate or late event cannot move it twice or backwards — invariant 5), is kept in its
 * history, and moves the campaign's counters by exactly one (batched: campaign-counters.ts).
 */
import { mongo, Types } from 'mongoose';
import { batched } from '../../lib/batched.js';
import type { Models } from '../../db/models.js';
import type { MessageStatus } from '../../db/models/campaign.model.js';
import { announceCampaignStatus, announceMessageStatus, type AnnouncedMessage } from '../events/announce.js';
import { campaignCounters, completeIfDone as completeCampaignIfDone } from './campaign-counters.js';

/** Delivery progress; `failed`, `skipped` and `cancelled` are terminal side exits. */
const RANK: Record<MessageStatus, number> = {
  queued: 0, sending: 1, accepted: 2, sent: 3, delivered: 4, read: 5, failed: 6, skipped: 6, cancelled: 6,
};

const PROGRESS: MessageStatus[] = ['queued', 'sending', 'accepted', 'sent', 'delivered', 'read'];

/** The statuses a message may be in for `to` to apply: strictly earlier progress only. */
export function predecessorsOf(to: MessageStatus): MessageStatus[] {
  switch (to) {
    case 'failed':
      // Meta can fail a message after accepting or even after `sent` (e.g. 131049), never after delivery.
      return ['queued', 'sending', 'accepted', 'sent'];
    case 'skipped':
    case 'cancelled':
      return ['queued'];
    default:
      return PROGRESS.filter((status) => RANK[status] < RANK[to]);
  }
}

export const isTerminal = (status: MessageStatus) => ['read', 'failed', 'skipped', 'cancelled'].includes(status);

/** Counted as "still moving" for campaign completion. */
export const IN_FLIGHT: MessageStatus[] = ['queued', 'sending'];

export interface TransitionOptions {
  from?: MessageStatus[];
  set?: Record<string, unknown>;
  unset?: string[];
  inc?: Record<string, number>;
  at?: Date;
  note?: string;
  /** Extra conditions on the message, e.g. `{ wamid: 'wamid.x' }`. */
  where?: Record<string, unknown>;
  /** Meta's pricing that came with this status, for the `message.status` event. */
  pricing?: unknown;
  /** The move stores a charged pricing: the campaign's cost counts it if the message had none yet. */
  charge?: { category: string | undefined };
}

export interface TransitionResult {
  from: MessageStatus;
  campaignId?: Types.ObjectId | null;
}

/** The update of a move to `to`: the status, the caller's fields, and an entry in the history. */
function updateFor(to: MessageStatus, at: Date, options: TransitionOptions): Record<string, unknown> {
  const update: Record<string, unknown> = {
    $set: { status: to, ...options.set },
    $push: { statusHistory: { status: to, at, ...(options.note ? { note: options.note } : {}) } },
  };
  if (options.unset?.length) update.$unset = Object.fromEntries(options.unset.map((field) => [field, 1]));
  if (options.inc) update.$inc = options.inc;
  return update;
}

/** What `accept` needs to know of a message: what `move` would have read back. */
export type AcceptedMessage = AnnouncedMessage & { test?: boolean | null };

interface AcceptedMove {
  message: AcceptedMessage;
  at: Date;
  options: Pick<TransitionOptions, 'set' | 'unset'>;
}

/** What the compare-and-set reads back: enough to count the change and to announce it. */
const BEFORE = { status: 1, campaignId: 1, test: 1, clientId: 1, to: 1, ref: 1, wamid: 1, error: 1, pricing: 1 } as const;

export function createTransitions(models: Pick<Models, 'Message' | 'Campaign' | 'WebhookEndpoint' | 'EventDelivery'>) {
  const { Message, Campaign } = models;

  const counters = campaignCounters(Campaign);
  counters.onCompleted = (campaign) => announceCampaignStatus(models, campaign as never);

  /** A running campaign with nothing queued or sending is complete; statuses keep updating its counts. */
  async function completeIfDone(campaignId: Types.ObjectId | string) {
    const completed = await completeCampaignIfDone(Campaign, campaignId);
    if (completed) announceCampaignStatus(models, completed);
  }

  /** Moves one message to `to` if it is in one of the allowed statuses; null when it was not. */
  async function move(messageId: Types.ObjectId | string, to: MessageStatus, options: TransitionOptions = {}): Promise<TransitionResult | null> {
    const from = options.from ?? predecessorsOf(to);
    const at = options.at ?? new Date();
    const before = await Message.findOneAndUpdate(
      { _id: messageId, status: { $in: from }, ...options.where },
      updateFor(to, at, options),
      { new: false, projection: BEFORE },
    ).lean();
    if (!before) return null;
    const previous = before.status as MessageStatus;
    announceMessageStatus(models, { ...before, ...options.set, pricing: options.pricing ?? before.pricing } as never, to, at);
    if (!before.test && before.campaignId) {
      // Together, so no flush of the counters ever has one without the other.
      counters.add(String(before.campaignId), previous, to);
      if (options.charge && !before.pricing) counters.addCost(String(before.campaignId), options.charge.category);
    }
    return { from: previous, campaignId: before.campaignId };
  }

  /**
   * The concurrent sends' `sending` → `accepted` moves, written in one bulkWrite. The update
   * cannot say which of its statements matched, only how many; so when not all did (a status
   * webhook got there first, or an earlier try of this batch was written but not acknowledged),
   * the history says which: only this move ever writes an `accepted` entry, once per message,
   * and each carries its caller's own `at`.
   */
  const writeAccepted = batched(async (moves: AcceptedMove[]): Promise<boolean[]> => {
    let matched = -1;
    try {
      // Through the driver: Mongoose would cast every statement (a subdocument for each history
      // entry), which cost more than the write itself. The values are ours and typed already;
      // only the timestamp Mongoose would add is set here.
      const updatedAt = new Date();
      matched = (await Message.collection.bulkWrite(moves.map((entry) => {
        const update = updateFor('accepted', entry.at, entry.options) as { $set: Record<string, unknown> };
        // As Mongoose does: an undefined field is left alone, not stored as null.
        update.$set = Object.fromEntries(Object.entries({ ...update.$set, updatedAt }).filter(([, value]) => value !== undefined));
        return { updateOne: { filter: { _id: new Types.ObjectId(String(entry.message._id)), status: 'sending' }, update } };
      }), { ordered: false })).matchedCount;
    } catch (error) {
      // Some statements may have been written: the history below tells, or this throws again.
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
    }
    if (matched === moves.length) return moves.map(() => true);
    const written = await Message.find(
      { _id: { $in: moves.map((entry) => entry.message._id) }, 'statusHistory.status': 'accepted' }, { statusHistory: 1 },
    ).lean();
    const acceptedAt = new Map(written.map((doc) => [String(doc._id), doc.statusHistory.filter((entry) => entry.status === 'accepted').map((entry) => entry.at?.getTime())]));
    return moves.map((entry) => acceptedAt.get(String(entry.message._id))?.includes(entry.at.getTime()) ?? false);
  });

  /**
   * `sending` → `accepted` for a message its caller claimed and read (what `move` would read back,
   * the caller already has); true when it moved. Resolves once MongoDB acknowledged the write.
   * Calling it again with the same `at` after a failure is safe: it moves and counts once.
   */
  async function accept(message: AcceptedMessage, at: Date, options: Pick<TransitionOptions, 'set' | 'unset'>): Promise<boolean> {
    const moved = await writeAccepted({ message, at, options });
    if (moved) {
      announceMessageStatus(models, { ...message, ...options.set } as never, 'accepted', at);
      if (!message.test && message.campaignId) counters.add(String(message.campaignId), 'sending', 'accepted');
    }
    return moved;
  }

  return {
    move,
    accept,
    completeIfDone,
    /** A message of this campaign was charged (its first pricing stored without a move); written with the counts. */
    countCost: (campaignId: Types.ObjectId | string, category: string | undefined) => counters.addCost(String(campaignId), category),
    flushCounts: () => counters.flush(),
  };
}

export type Transitions = ReturnType<typeof createTransitions>;
