/**
 * Wall-clock time in IANA time zones, with the zone rules (DST included) taken from the
 * runtime's ICU data through `Intl`, so there is no time-zone table of our own to keep current.
 * Pure functions of an instant; nothing here reads the system clock.
 */

const DAY_MS = 24 * 3600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True for a zone name the runtime knows ("Europe/Berlin", "UTC"); offsets like "+02:00" are not zones. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export function wallTime(zone: string, atMs: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(atMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** How far the zone's clock is ahead of UTC at that instant. */
export function offsetMs(zone: string, atMs: number): number {
  const wall = wallTime(zone, atMs);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(atMs / 1000) * 1000;
}

/** The calendar date `days` after the given one (month and year lengths handled by Date). */
export function addDays(date: { year: number; month: number; day: number }, days: number) {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function shows(zone: string, atMs: number, date: { year: number; month: number; day: number }, minutes: number): boolean {
  const wall = wallTime(zone, atMs);
  return wall.year === date.year && wall.month === date.month && wall.day === date.day && wall.hour * 60 + wall.minute === minutes;
}

/**
 * The first instant at which the zone's clock shows `minutes` past midnight on that date. When
 * the clocks go back and the time happens twice, the earlier; when they spring forward over it,
 * the instant of the jump (the first moment the clock is past it).
 */
export function instantOf(zone: string, date: { year: number; month: number; day: number }, minutes: number): number {
  const local = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const before = offsetMs(zone, local - DAY_MS / 2);
  const after = offsetMs(zone, local + DAY_MS / 2);
  const candidates = [local - before, local - after].filter((at) => shows(zone, at, date, minutes)).sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // In a gap: the offset changes from `before` to `after` somewhere between the two readings; find the minute.
  let low = Math.min(local - after, local - before);
  let high = Math.max(local - after, local - before);
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetMs(zone, middle) === after) high = middle; else low = middle;
  }
  return high;
}
