/**
 * The dispatcher's side of send windows: messages outside their window are not released. For a
 * window on one fixed zone the whole campaign waits (nothing is even read); for `recipient`
 * windows each batch is split, and the messages outside get `notBefore` = their window's next
 * opening, so they drop out of the dispatcher's queries until then and never block the others.
 */
import type { Types } from 'mongoose';
import type { Models } from '../db/models.js';
import { createWindowCheck, dailyWindow, opensAt, RECIPIENT_ZONE, type SendWindowSpec } from './send-window.js';

interface Candidate {
  _id: Types.ObjectId;
  to: string;
}

export function createWindowGate(Message: Models['Message'], spec: SendWindowSpec, now: Date) {
  const timezone = spec.timezone ?? RECIPIENT_ZONE;
  const check = createWindowCheck(spec, now);
  return {
    /** True when every message of the campaign is outside its window now (one fixed zone, closed). */
    closedForAll: timezone !== RECIPIENT_ZONE && opensAt(dailyWindow(spec, timezone), now.getTime()) !== null,

    /** The candidates inside their window; the others are given their wait. */
    async admit(candidates: Candidate[]): Promise<Candidate[]> {
      const ready: Candidate[] = [];
      const waiting = new Map<string, { notBefore: Date; waitReason: string; ids: Types.ObjectId[] }>();
      for (const candidate of candidates) {
        const opening = check.opensAt(candidate.to);
        if (!opening) {
          ready.push(candidate);
          continue;
        }
        const waitReason = check.waitReason(candidate.to)!;
        const group = waiting.get(waitReason) ?? { notBefore: opening, waitReason, ids: [] };
        group.ids.push(candidate._id);
        waiting.set(waitReason, group);
      }
      for (const { notBefore, waitReason, ids } of waiting.values()) {
        await Message.updateMany({ _id: { $in: ids }, status: 'queued', releasedAt: null }, { $set: { notBefore, waitReason } });
      }
      return ready;
    },
  };
}
