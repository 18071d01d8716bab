/**
 * A status that arrives after a later one was applied (Meta does not guarantee order: `sent`
 * after `read`, `sent` after `failed`). The message does not move back and the campaign counts
 * do not change — the status is only written into the history, in its place, with its
 * timestamp, so the message ends exactly as one clean ordered delivery would leave it.
 */
import type { Types } from 'mongoose';
import type { MessageStatus } from '../../src/db/models/campaign.model.js';
import { predecessorsOf } from '../../src/modules/messages/transitions.js';
import type { WebhookContext } from './context.js';

/** Statuses that can legitimately arrive after a later one. */
const CAN_ARRIVE_LATE: readonly MessageStatus[] = ['sent', 'delivered'];

export const TIME_FIELD: Readonly<Record<string, string>> = { sent: 'sentAt', delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' };

const MAX_RACES = 5;

interface HistoryEntry {
  status?: string | null;
}

/** Where `status` belongs in the current send attempt's history: before the first entry that comes after it. */
export function lateInsertPosition(history: HistoryEntry[], status: MessageStatus): { position: number; present: boolean } {
  // A retry (back to `queued`) starts a new attempt; earlier attempts are left as they were.
  const attemptStart = history.map((entry) => entry.status ?? '').lastIndexOf('queued') + 1;
  const attempt = history.slice(attemptStart);
  const present = attempt.some((entry) => entry.status === status);
  const later = attempt.findIndex((entry) => predecessorsOf(entry.status as MessageStatus).includes(status));
  return { position: later < 0 ? history.length : attemptStart + later, present };
}

/** What we know of the message; kept up to date by the caller and by this module. */
export interface LateTarget {
  _id: Types.ObjectId;
  status: MessageStatus;
  wamid?: string | null;
  statusHistory?: HistoryEntry[] | null;
}

/**
 * Writes a late `status` into the history of `message`. `message` is the caller's snapshot:
 * used as is unless `stale`, re-read whenever the compare-and-set finds it out of date.
 */
export async function recordLateStatus(
  ctx: WebhookContext, message: LateTarget, status: MessageStatus, at: Date, wamid: string, stale: boolean,
): Promise<'applied' | 'unchanged'> {
  if (!CAN_ARRIVE_LATE.includes(status)) return 'unchanged';
  for (let race = 0; race < MAX_RACES; race++) {
    if (stale || race > 0) {
      const fresh = await ctx.models.Message.findById(message._id, { status: 1, wamid: 1, statusHistory: 1 }).lean();
      if (!fresh) return 'unchanged';
      Object.assign(message, { status: fresh.status, wamid: fresh.wamid, statusHistory: fresh.statusHistory });
    }
    if (message.wamid && message.wamid !== wamid) return 'unchanged';
    // Only a status that comes before the current one is late; anything else is a duplicate or contradicts it.
    if (!predecessorsOf(message.status).includes(status)) return 'unchanged';
    const history = message.statusHistory ?? [];
    const { position, present } = lateInsertPosition(history, status);
    if (present) return 'unchanged';
    // Compare-and-set on status and history length: a concurrent change makes us look again.
    const written = await ctx.models.Message.updateOne(
      { _id: message._id, status: message.status, statusHistory: { $size: history.length } },
      { $push: { statusHistory: { $each: [{ status, at }], $position: position } }, $set: { [TIME_FIELD[status]]: at } },
    );
    if (written.modifiedCount === 1) {
      message.statusHistory = [...history.slice(0, position), { status }, ...history.slice(position)];
      return 'applied';
    }
  }
  throw new Error(`message ${String(message._id)} kept changing while a late "${status}" was recorded; the event will be retried`);
}
