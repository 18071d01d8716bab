/**
 * Phone numbers as we store them: digits only, international form, no leading `+`
 * (contract §3). Meta gets them back with the `+` (meta-cloud-api.md §1.1: without it, Meta
 * prepends the business number's country code and the message can reach the wrong person).
 */

/** E.164 allows at most 15 digits; the shortest real international numbers have 8 (country code included). */
const E164_DIGITS = /^[1-9]\d{7,14}$/;

/** Accepts `+`, spaces, dashes, dots and parentheses; returns the digits or null when not a plausible number. */
export function normalizePhone(input: string): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  if (!/^\+?[\d\s\-.()]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  // "00" is the international call prefix in most of the world: 0044… means +44….
  if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
  return E164_DIGITS.test(digits) ? digits : null;
}

export const toMetaPhone = (digits: string) => `+${digits}`;
