/**
 * A campaign's send window applied to its recipients when it is accepted: the messages of those
 * outside their window at the start get `notBefore` = the window's next opening (so the
 * dispatcher leaves them alone until then), and the recipients are counted per zone for the
 * estimate.
 */
import { createWindowCheck, type SendWindowSpec } from './send-window.js';

export interface WindowPlan {
  /** Fields for a recipient's message: when it may go and why it waits, or nothing when its window is open. */
  waitFields(phone: string): { notBefore?: Date; waitReason?: string };
  /** Recipients per zone. */
  zones: Map<string, number>;
  /** Recipients outside their window at the start, and the earliest opening among them. */
  waiting: number;
  firstOpening: Date | null;
}

export function planSendWindow(spec: SendWindowSpec, phones: string[], startsAt: Date): WindowPlan {
  const check = createWindowCheck(spec, startsAt);
  const zones = new Map<string, number>();
  let waiting = 0;
  let firstOpening: Date | null = null;
  for (const phone of phones) {
    const zone = check.zoneOf(phone);
    zones.set(zone, (zones.get(zone) ?? 0) + 1);
    const opening = check.opensAt(phone);
    if (!opening) continue;
    waiting++;
    if (!firstOpening || opening < firstOpening) firstOpening = opening;
  }
  return {
    waitFields(phone) {
      const opening = check.opensAt(phone);
      return opening ? { notBefore: opening, waitReason: check.waitReason(phone) } : {};
    },
    zones,
    waiting,
    firstOpening,
  };
}
