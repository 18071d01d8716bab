/**
 * When a windowed campaign should finish, for its estimate: the recipients of each zone can only
 * be sent while their zone's window is open, and all of them share the number's rate. Walks from
 * one window opening or closing to the next; between two, the open zones share the rate in
 * proportion to what they have left. An estimate, not a promise: the sender's order differs.
 */
import { closesAt, dailyWindow, isOpen, opensAt, type SendWindowSpec } from './send-window.js';

const HORIZON_MS = 60 * 24 * 3600_000;

interface ZoneState {
  left: number;
  open: boolean;
  changesAt: number;
  window: ReturnType<typeof dailyWindow>;
}

function nextChange(state: ZoneState, atMs: number): number {
  return state.open ? closesAt(state.window, atMs).getTime() : opensAt(state.window, atMs)!.getTime();
}

/** The instant the last message should be sent, or null when that is beyond 60 days. */
export function windowedFinish(spec: SendWindowSpec, recipientsPerZone: Map<string, number>, messagesPerSecond: number, startMs: number): number | null {
  const zones: ZoneState[] = [...recipientsPerZone].filter(([, count]) => count > 0).map(([zone, count]) => {
    const window = dailyWindow(spec, zone);
    const state = { left: count, open: isOpen(window, startMs), changesAt: 0, window };
    state.changesAt = nextChange(state, startMs);
    return state;
  });
  let now = startMs;
  while (zones.some((zone) => zone.left > 0)) {
    if (now - startMs > HORIZON_MS) return null;
    const busy = zones.filter((zone) => zone.left > 0);
    const until = Math.min(...busy.map((zone) => zone.changesAt));
    const sending = busy.filter((zone) => zone.open);
    const total = sending.reduce((sum, zone) => sum + zone.left, 0);
    const capacity = (messagesPerSecond * (until - now)) / 1000;
    if (total > 0 && total <= capacity) {
      now += (total / messagesPerSecond) * 1000;
      for (const zone of sending) zone.left = 0;
      continue;
    }
    for (const zone of sending) zone.left -= (capacity * zone.left) / total;
    now = until;
    for (const zone of zones) {
      if (zone.changesAt > now) continue;
      zone.open = !zone.open;
      zone.changesAt = nextChange(zone, now);
    }
  }
  return now;
}
