/**
 * Whether the app secret that signed a delivery may speak for the account an update names
 * (src/modules/webhooks/app-secrets.ts): the platform's secret speaks for all; a client's only
 * for the WABA and phone number ids its own credentials hold. An update about anyone else is
 * kept with the delivery but not applied.
 */
import type { Update } from './updates.js';

export function isVouchedFor(trustedIds: readonly string[] | null | undefined, update: Update): boolean {
  if (!trustedIds || update.kind === 'unhandled') return true;
  if (!trustedIds.includes(`waba:${update.wabaId}`)) return false;
  return !('phoneNumberId' in update) || trustedIds.includes(`phone:${update.phoneNumberId}`);
}
