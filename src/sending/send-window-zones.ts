/**
 * The time zone of a phone number's country, for send windows in the recipient's local time:
 * the country from the number (libphonenumber-js's metadata), the country's zones from CLDR
 * through `Intl.Locale` (the runtime's ICU data). A country counts as having one zone when all of
 * its zones keep the same clock for the coming year (Germany's Berlin and Büsingen); countries
 * with several (the US, Brazil, Russia, Spain with the Canaries) have none, and the campaign's
 * fallback zone applies.
 */
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { offsetMs } from './send-window-clock.js';

const countriesByCallingCode = new Map<string, CountryCode[]>();
for (const country of getCountries()) {
  const code = getCountryCallingCode(country);
  countriesByCallingCode.set(code, [...(countriesByCallingCode.get(code) ?? []), country]);
}

/** ISO country of an international number (digits, no `+`), or undefined when it has none (e.g. +800). */
export function countryOfPhone(digits: string): CountryCode | undefined {
  // Calling codes are prefix-free: the first that matches is the one.
  for (let length = 1; length <= 3; length++) {
    const countries = countriesByCallingCode.get(digits.slice(0, length));
    if (!countries) continue;
    // Most codes belong to one country; shared ones (+1, +7, +44…) need the number's leading digits.
    return countries.length === 1 ? countries[0] : parsePhoneNumberFromString(`+${digits}`)?.country;
  }
  return undefined;
}

interface LocaleWithZones {
  timeZones?: string[];
  getTimeZones?: () => string[];
}

/** CLDR's zones of a region (`getTimeZones()` in newer runtimes, the `timeZones` getter in Node 20). */
export function zonesOfCountry(country: string): string[] {
  const locale = new Intl.Locale(`und-${country}`) as unknown as LocaleWithZones;
  return locale.getTimeZones?.() ?? locale.timeZones ?? [];
}

const DAY_MS = 24 * 3600_000;

/** Same UTC offset at noon UTC on each of the next 366 days. */
function sameClock(a: string, b: string, fromMs: number): boolean {
  for (let day = 0; day <= 366; day++) {
    const at = fromMs + day * DAY_MS;
    if (offsetMs(a, at) !== offsetMs(b, at)) return false;
  }
  return true;
}

const zoneByCountry = new Map<string, string | null>();

/** The country's single zone, or null when it has several clocks (or none known). */
export function zoneOfCountry(country: string): string | null {
  if (zoneByCountry.has(country)) return zoneByCountry.get(country)!;
  const zones = zonesOfCountry(country);
  const noon = new Date();
  noon.setUTCHours(12, 0, 0, 0);
  const zone = zones.length > 0 && zones.every((other) => sameClock(zones[0], other, noon.getTime())) ? zones[0] : null;
  zoneByCountry.set(country, zone);
  return zone;
}

/** The zone of the number's country when it has one, else null. */
export function zoneOfPhone(digits: string): string | null {
  const country = countryOfPhone(digits);
  return country ? zoneOfCountry(country) : null;
}
