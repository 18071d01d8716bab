/**
 * Send windows (contract §3): a campaign's messages go only between `from` and `to` on the
 * clock of a zone — a fixed IANA zone, or `recipient`: the zone of the number's country when it
 * has one, else the campaign's `fallbackTimezone` (UTC by default). Windows may cross midnight
 * (22:00–06:00). A message outside its window waits until the window next opens; the dispatcher
 * does not release it and the sender puts it back if it closed meanwhile.
 */
import { addDays, instantOf, wallTime } from './send-window-clock.js';
import { zoneOfPhone } from './send-window-zones.js';

export const RECIPIENT_ZONE = 'recipient';
export const DEFAULT_FALLBACK_ZONE = 'UTC';

export interface SendWindowSpec {
  from: string;
  to: string;
  timezone?: string;
  fallbackTimezone?: string;
}

/** A window on one zone's clock, in minutes after midnight; `from > to` crosses midnight. */
export interface DailyWindow {
  from: number;
  to: number;
  zone: string;
}

export const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export function zoneFor(spec: SendWindowSpec, phone: string): string {
  const timezone = spec.timezone ?? RECIPIENT_ZONE;
  if (timezone !== RECIPIENT_ZONE) return timezone;
  return zoneOfPhone(phone) ?? spec.fallbackTimezone ?? DEFAULT_FALLBACK_ZONE;
}

export function dailyWindow(spec: SendWindowSpec, zone: string): DailyWindow {
  return { from: minutesOf(spec.from), to: minutesOf(spec.to), zone };
}

function minutesNow(window: DailyWindow, atMs: number) {
  const wall = wallTime(window.zone, atMs);
  return { date: { year: wall.year, month: wall.month, day: wall.day }, minutes: wall.hour * 60 + wall.minute };
}

export function isOpen(window: DailyWindow, atMs: number): boolean {
  const { minutes } = minutesNow(window, atMs);
  return window.from < window.to ? minutes >= window.from && minutes < window.to : minutes >= window.from || minutes < window.to;
}

/** When the window next opens, or null when it is open at `atMs`. */
export function opensAt(window: DailyWindow, atMs: number): Date | null {
  if (isOpen(window, atMs)) return null;
  const { date, minutes } = minutesNow(window, atMs);
  // Closed before today's opening, or (same-day windows) after today's closing.
  let day = minutes < window.from ? date : addDays(date, 1);
  let opening = instantOf(window.zone, day, window.from);
  if (opening <= atMs) {
    day = addDays(day, 1);
    opening = instantOf(window.zone, day, window.from);
  }
  return new Date(opening);
}

/** When the window, open at `atMs`, closes. */
export function closesAt(window: DailyWindow, atMs: number): Date {
  const { date, minutes } = minutesNow(window, atMs);
  let day = window.from > window.to && minutes >= window.from ? addDays(date, 1) : date;
  let closing = instantOf(window.zone, day, window.to);
  if (closing <= atMs) {
    day = addDays(day, 1);
    closing = instantOf(window.zone, day, window.to);
  }
  return new Date(closing);
}

export const describeWindow = (spec: SendWindowSpec, zone: string) => `${spec.from}–${spec.to} ${zone}`;

/**
 * For one instant: when each recipient's window opens (null = open now). Zones are worked out
 * once per number and windows once per zone, so checking thousands of messages stays cheap.
 */
export function createWindowCheck(spec: SendWindowSpec, at: Date) {
  const byZone = new Map<string, Date | null>();
  const opening = (zone: string) => {
    if (!byZone.has(zone)) byZone.set(zone, opensAt(dailyWindow(spec, zone), at.getTime()));
    return byZone.get(zone)!;
  };
  return {
    zoneOf: (phone: string) => zoneFor(spec, phone),
    opensAt: (phone: string) => opening(zoneFor(spec, phone)),
    /** The sentence a waiting message carries. */
    waitReason: (phone: string) => {
      const zone = zoneFor(spec, phone);
      const next = opening(zone);
      return next ? `waiting: outside its send window (${describeWindow(spec, zone)}); it opens at ${next.toISOString()}` : undefined;
    },
  };
}
