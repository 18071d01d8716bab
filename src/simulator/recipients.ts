/**
 * How Meta turns the `to` of a send into a WhatsApp id (`wa_id`), and the business-scoped user id
 * (BSUID) it reports beside it in webhooks since 2026.
 */
import { createHash } from 'node:crypto';

/**
 * Digits only, after dropping the separators people type. Meta treats a `to` without a leading `+`
 * as a national number of the *business* number's country and prepends that country code, which is
 * how a message "goes to the wrong person" (meta-cloud-api.md §1.1). We approximate Meta's phone
 * parsing: the code is prepended unless the digits already start with it.
 *
 * @returns null when `to` cannot be a phone number at all.
 */
export function toWaId(to: string, businessCountryCode: string | null): string | null {
  const trimmed = to.trim();
  const hasPlus = trimmed.startsWith('+');
  const digits = trimmed.replace(/[\s\-().+]/g, '');
  if (!/^\d{5,15}$/.test(digits)) return null;
  if (!hasPlus && businessCountryCode && !digits.startsWith(businessCountryCode)) {
    return businessCountryCode + digits;
  }
  return digits;
}

/** Lenient digits-only form, for matching rules and filters that name a recipient. */
export function recipientKey(value: string): string {
  return value.replace(/\D/g, '');
}

/** `+55 11 99999-0000` → `55`: the country code of a display number written in international format. */
export function countryCodeOfDisplayNumber(displayPhoneNumber: string): string | null {
  const match = /^\+(\d{1,3})[\s-]/.exec(displayPhoneNumber.trim());
  return match ? match[1] : null;
}

const REGION_BY_CALLING_CODE: ReadonlyArray<readonly [string, string]> = [
  ['351', 'PT'], ['234', 'NG'], ['971', 'AE'], ['966', 'SA'],
  ['55', 'BR'], ['52', 'MX'], ['91', 'IN'], ['44', 'GB'], ['34', 'ES'], ['49', 'DE'], ['33', 'FR'],
  ['39', 'IT'], ['62', 'ID'], ['54', 'AR'], ['57', 'CO'], ['56', 'CL'], ['51', 'PE'], ['27', 'ZA'],
  ['65', 'SG'], ['60', 'MY'], ['61', 'AU'],
  ['1', 'US'],
];

/**
 * A stable BSUID like `BR.1234567890123456789`: region of the user's number, then digits derived
 * from the portfolio and the user, so the same pair always gets the same id.
 */
export function businessScopedUserId(businessId: string, waId: string): string {
  const region = REGION_BY_CALLING_CODE.find(([code]) => waId.startsWith(code))?.[1] ?? 'ZZ';
  const digest = createHash('sha256').update(businessId).update(':').update(waId).digest();
  return `${region}.${digest.readBigUInt64BE(0).toString().padStart(19, '0').slice(0, 19)}`;
}
