/** Send windows on fixed clocks: same-day and across-midnight windows, DST gaps and overlaps, recipients' zones. */
import { describe, expect, it } from 'vitest';
import { instantOf, isTimeZone, offsetMs } from '../../../src/sending/send-window-clock.js';
import { closesAt, createWindowCheck, dailyWindow, isOpen, opensAt, zoneFor } from '../../../src/sending/send-window.js';
import { countryOfPhone, zoneOfCountry } from '../../../src/sending/send-window-zones.js';

const at = (iso: string) => Date.parse(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const window = (from: string, to: string, zone: string) => dailyWindow({ from, to }, zone);

describe('a same-day window (09:00–18:00 UTC)', () => {
  const w = window('09:00', '18:00', 'UTC');
  it('is open from 09:00 up to, not including, 18:00', () => {
    expect(isOpen(w, at('2026-05-04T09:00:00Z'))).toBe(true);
    expect(isOpen(w, at('2026-05-04T17:59:59Z'))).toBe(true);
    expect(isOpen(w, at('2026-05-04T18:00:00Z'))).toBe(false);
    expect(isOpen(w, at('2026-05-04T08:59:59Z'))).toBe(false);
  });
  it('opens later the same day before 09:00, the next day after 18:00', () => {
    expect(iso(opensAt(w, at('2026-05-04T03:10:00Z')))).toBe('2026-05-04T09:00:00.000Z');
    expect(iso(opensAt(w, at('2026-05-04T18:00:00Z')))).toBe('2026-05-05T09:00:00.000Z');
    expect(iso(opensAt(w, at('2026-12-31T23:30:00Z')))).toBe('2027-01-01T09:00:00.000Z');
    expect(opensAt(w, at('2026-05-04T12:00:00Z'))).toBeNull();
    expect(iso(closesAt(w, at('2026-05-04T12:00:00Z')))).toBe('2026-05-04T18:00:00.000Z');
  });
});

describe('a window across midnight (22:00–06:00)', () => {
  const w = window('22:00', '06:00', 'Asia/Tokyo');
  it('is open late in the evening and early in the morning, local time', () => {
    expect(isOpen(w, at('2026-05-04T13:30:00Z'))).toBe(true); // 22:30 in Tokyo
    expect(isOpen(w, at('2026-05-04T19:00:00Z'))).toBe(true); // 04:00 the next day
    expect(isOpen(w, at('2026-05-04T21:00:00Z'))).toBe(false); // 06:00
    expect(isOpen(w, at('2026-05-04T03:00:00Z'))).toBe(false); // 12:00
  });
  it('opens at 22:00 the same local day and closes at 06:00 the next', () => {
    expect(iso(opensAt(w, at('2026-05-04T03:00:00Z')))).toBe('2026-05-04T13:00:00.000Z');
    expect(iso(opensAt(w, at('2026-05-04T21:00:00Z')))).toBe('2026-05-05T13:00:00.000Z');
    expect(iso(closesAt(w, at('2026-05-04T13:30:00Z')))).toBe('2026-05-04T21:00:00.000Z');
    expect(iso(closesAt(w, at('2026-05-04T19:00:00Z')))).toBe('2026-05-04T21:00:00.000Z');
  });
});

describe('daylight saving time', () => {
  it('follows the local clock on both sides of a change (New York, March 2026)', () => {
    const w = window('09:00', '17:00', 'America/New_York');
    expect(iso(opensAt(w, at('2026-03-07T05:00:00Z')))).toBe('2026-03-07T14:00:00.000Z'); // EST, UTC-5
    expect(iso(opensAt(w, at('2026-03-08T23:00:00Z')))).toBe('2026-03-09T13:00:00.000Z'); // EDT, UTC-4
  });

  it('opens at the jump when the opening time does not exist (02:30 on 8 March 2026 in New York)', () => {
    const w = window('02:30', '05:00', 'America/New_York');
    const opening = opensAt(w, at('2026-03-08T06:00:00Z')); // 01:00 EST
    expect(iso(opening)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, the first minute past 02:30
    expect(isOpen(w, opening!.getTime())).toBe(true);
    expect(iso(closesAt(w, opening!.getTime()))).toBe('2026-03-08T09:00:00.000Z'); // 05:00 EDT
  });

  it('opens at the first of two 01:30s when the clocks go back (1 November 2026 in New York)', () => {
    const w = window('01:30', '03:00', 'America/New_York');
    expect(iso(opensAt(w, at('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(isOpen(w, at('2026-11-01T06:15:00Z'))).toBe(false); // 01:15 EST: the clock went back before the window
    expect(isOpen(w, at('2026-11-01T06:45:00Z'))).toBe(true); // 01:45 EST: inside again, by the clock
  });

  it('a night window across the autumn change lasts an hour longer (Berlin, 25 October 2026)', () => {
    const w = window('22:00', '06:00', 'Europe/Berlin');
    const opening = opensAt(w, at('2026-10-24T19:00:00Z'))!;
    expect(opening.toISOString()).toBe('2026-10-24T20:00:00.000Z'); // 22:00 CEST
    expect(iso(closesAt(w, opening.getTime()))).toBe('2026-10-25T05:00:00.000Z'); // 06:00 CET
  });

  it('finds instants of wall-clock times and offsets either side of a change', () => {
    expect(offsetMs('Europe/Berlin', at('2026-01-10T12:00:00Z'))).toBe(3600_000);
    expect(offsetMs('Europe/Berlin', at('2026-07-10T12:00:00Z'))).toBe(7200_000);
    expect(new Date(instantOf('Europe/Berlin', { year: 2026, month: 3, day: 29 }, 150)).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(instantOf('Asia/Kolkata', { year: 2026, month: 2, day: 28 }, 23 * 60 + 59)).toISOString()).toBe('2026-02-28T18:29:00.000Z');
  });
});

describe("recipients' zones", () => {
  it('knows the country of a number, shared calling codes included', () => {
    expect(countryOfPhone('4915112345678')).toBe('DE');
    expect(countryOfPhone('12125551234')).toBe('US');
    expect(countryOfPhone('14165551234')).toBe('CA');
    expect(countryOfPhone('77011234567')).toBe('KZ');
    expect(countryOfPhone('80012345678')).toBeUndefined();
  });

  it("uses the country's zone when it has one clock, else the fallback (UTC by default)", () => {
    const recipient = { from: '09:00', to: '18:00', timezone: 'recipient' };
    expect(zoneFor(recipient, '4915112345678')).toBe('Europe/Berlin'); // Berlin and Büsingen keep the same clock
    expect(zoneFor(recipient, '33612345678')).toBe('Europe/Paris');
    expect(zoneFor(recipient, '819012345678')).toBe('Asia/Tokyo');
    expect(zoneFor(recipient, '12125551234')).toBe('UTC'); // the US has several
    expect(zoneFor(recipient, '5511987654321')).toBe('UTC'); // so does Brazil
    expect(zoneFor({ ...recipient, fallbackTimezone: 'America/Sao_Paulo' }, '5511987654321')).toBe('America/Sao_Paulo');
    expect(zoneFor({ ...recipient, fallbackTimezone: 'America/Sao_Paulo' }, '34600123456')).toBe('America/Sao_Paulo'); // Spain: the Canaries
    expect(zoneFor({ from: '09:00', to: '18:00', timezone: 'Asia/Tokyo' }, '4915112345678')).toBe('Asia/Tokyo');
    expect(zoneOfCountry('PT')).toBeNull();
    expect(zoneOfCountry('IN')).toMatch(/^Asia\/(Calcutta|Kolkata)$/);
  });

  it('checks many recipients at one instant, each against its own clock', () => {
    const morning = createWindowCheck({ from: '09:00', to: '18:00', timezone: 'recipient' }, new Date('2026-05-04T08:00:00Z'));
    expect(morning.opensAt('4915112345678')).toBeNull(); // 10:00 in Berlin
    expect(morning.opensAt('819012345678')).toBeNull(); // 17:00 in Tokyo
    expect(morning.waitReason('12125551234')).toBe('waiting: outside its send window (09:00–18:00 UTC); it opens at 2026-05-04T09:00:00.000Z');
    const evening = createWindowCheck({ from: '09:00', to: '18:00', timezone: 'recipient' }, new Date('2026-05-04T18:30:00Z'));
    expect(iso(evening.opensAt('4915112345678'))).toBe('2026-05-05T07:00:00.000Z'); // 09:00 CEST
    expect(iso(evening.opensAt('819012345678'))).toBe('2026-05-05T00:00:00.000Z'); // 09:00 JST
    expect(evening.waitReason('819012345678')).toBe('waiting: outside its send window (09:00–18:00 Asia/Tokyo); it opens at 2026-05-05T00:00:00.000Z');
  });

  it('validates zone names', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('+05:30')).toBe(false);
  });
});
