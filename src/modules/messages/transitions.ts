/**
 * The one way a message changes status. Each change is a compare-and-set on the message (so a
 * duplicate or late event cannot move it twice or backwards — invariant 5), is kept in its
 * history, and moves the campaign's counters by exactly one (batched: campaign-counters.ts).
 */
import type { Types } from 'mongoose';
import type { Models } from '../../db/models.js';
import type { MessageStatus } from '../../db/models/campaign.model.js';
import { announceCampaignStatus, announceMessageStatus } from '../events/announce.js';
import { campaignCounters } from './campaign-counters.js';

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
  /** Meta's pricing that came with this status, for the `message.status` event (stored separately). */
  pricing?: unknown;
}

export interface TransitionResult {
  from: MessageStatus;
  campaignId?: Types.ObjectId | null;
}

/** What the compare-and-set reads back: enough to count the change and to announce it. */
const BEFORE = { status: 1, campaignId: 1, test: 1, clientId: 1, to: 1, ref: 1, wamid: 1, error: 1, pricing: 1 } as const;

export function createTransitions(models: Pick<Models, 'Message' | 'Campaign' | 'WebhookEndpoint' | 'EventDelivery'>) {
  const { Message, Campaign } = models;

  const counters = campaignCounters(Campaign);
  counters.onCompleted = (campaign) => announceCampaignStatus(models, campaign as never);

  /** A running campaign with nothing queued or sending is complete; statuses keep updating its counts. */
  async function completeIfDone(campaignId: Types.ObjectId | string) {
    const completed = await Campaign.findOneAndUpdate(
      { _id: campaignId, status: 'running', 'counts.queued': 0, 'counts.sending': 0 },
      { $set: { status: 'completed', completedAt: new Date() } },
      { new: true, projection: { clientId: 1, status: 1, counts: 1 } },
    ).lean();
    if (completed) announceCampaignStatus(models, completed);
  }

  /** Moves one message to `to` if it is in one of the allowed statuses; null when it was not. */
  async function move(messageId: Types.ObjectId | string, to: MessageStatus, options: TransitionOptions = {}): Promise<TransitionResult | null> {
    const from = options.from ?? predecessorsOf(to);
    const at = options.at ?? new Date();
    const update: Record<string, unknown> = {
      $set: { status: to, ...options.set },
      $push: { statusHistory: { status: to, at, ...(options.note ? { note: options.note } : {}) } },
    };
    if (options.unset?.length) update.$unset = Object.fromEntries(options.unset.map((field) => [field, 1]));
    if (options.inc) update.$inc = options.inc;
    const before = await Message.findOneAndUpdate(
      { _id: messageId, status: { $in: from }, ...options.where },
      update,
      { new: false, projection: BEFORE },
    ).lean();
    if (!before) return null;
    const previous = before.status as MessageStatus;
    announceMessageStatus(models, { ...before, ...options.set, pricing: options.pricing ?? before.pricing } as never, to, at);
    if (!before.test && before.campaignId) counters.add(String(before.campaignId), previous, to);
    return { from: previous, campaignId: before.campaignId };
  }

  return { move, completeIfDone, flushCounts: () => counters.flush() };
}

export type Transitions = ReturnType<typeof createTransitions>;
