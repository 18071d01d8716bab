/**
 * `phone_number_quality_update` (meta-cloud-api.md §3.4, §4.7): the number's messaging-limit tier
 * (new field `max_daily_conversations_per_business`, old `current_limit`) and throughput level.
 * The payload names the number only by its display form, so it is matched to our credentials by
 * digits. A downgrade, a flag or a RED rating pauses the number's marketing campaigns — an
 * operator or the client resumes them once quality has recovered.
 */
import type { WebhookContext } from './context.js';
import { updateFingerprint } from './markers.js';
import type { Outcome } from './results.js';
import { QualityUpdateValue } from './schemas.js';
import type { Update } from './updates.js';

type AccountUpdate = Extract<Update, { kind: 'account' }>;

/** Meta's "high throughput" level: up to 1,000 messages per second (meta-cloud-api.md §3.1). */
const HIGH_THROUGHPUT = { level: 'HIGH', messagesPerSecond: 1000 };
const MARKETING = /^marketing$/i;

const digitsOf = (value: string | null | undefined) => (value ?? '').replace(/\D/g, '');

function pauseReason(event: string, display: string, tier: string | undefined, rating: string | undefined): string | null {
  const number = `+${display}`;
  const advice = 'Marketing campaigns on this number are paused; check its quality rating in WhatsApp Manager, then resume them.';
  if (event === 'DOWNGRADE') return `Meta lowered the messaging limit of ${number}${tier ? ` to ${tier}` : ''} (phone_number_quality_update DOWNGRADE), which follows low quality. ${advice}`;
  if (event === 'FLAGGED') return `Meta flagged the quality of ${number} as low (phone_number_quality_update FLAGGED); its messaging limit drops if quality does not recover. ${advice}`;
  if (rating === 'RED') return `The quality rating of ${number} is RED (phone_number_quality_update ${event}). ${advice}`;
  return null;
}

export function createQualityHandler(ctx: WebhookContext) {
  const { Credential } = ctx.models;

  /**
   * Credentials of this number within the WABA the entry names — never beyond it: the delivery's
   * signature vouches only for the accounts it names.
   */
  async function credentialsOf(wabaId: string, display: string) {
    const inWaba = await Credential.find({ wabaId }, { _id: 1, 'phone.displayPhoneNumber': 1 }).lean();
    return inWaba.filter((credential) => digitsOf(credential.phone?.displayPhoneNumber) === display);
  }

  return {
    async apply(update: AccountUpdate): Promise<Outcome> {
      const parsed = QualityUpdateValue.safeParse(update.value);
      if (!parsed.success) return 'unhandled';
      const value = parsed.data;
      const display = digitsOf(value.display_phone_number);
      const credentials = await credentialsOf(update.wabaId, display);
      if (credentials.length === 0) return 'unknown';
      const fingerprint = updateFingerprint(update.wabaId, update.field, update.time, update.value);
      if (await ctx.markers.seen(fingerprint)) return 'unchanged';

      const tier = value.max_daily_conversations_per_business ?? value.current_limit;
      const rating = value.quality_rating?.toUpperCase();
      const set: Record<string, unknown> = {
        ...(tier ? { 'phone.messagingLimitTier': tier } : {}),
        ...(rating ? { 'phone.qualityRating': rating } : {}),
        ...(value.event === 'THROUGHPUT_UPGRADE' || tier === 'TIER_UNLIMITED' ? { 'phone.throughput': HIGH_THROUGHPUT } : {}),
      };
      const reason = pauseReason(value.event, display, tier, rating);
      let outcome: Outcome = 'unchanged';
      for (const credential of credentials) {
        // An older event arriving after a newer one must not set the tier back.
        if (!(await ctx.markers.claimLatest(`quality:${String(credential._id)}`, update.time))) continue;
        if (Object.keys(set).length) await Credential.updateOne({ _id: credential._id }, { $set: set });
        if (reason) await ctx.campaigns.pauseAllForCredential(String(credential._id), reason, { 'template.category': MARKETING });
        outcome = 'applied';
      }
      await ctx.markers.remember(fingerprint);
      return outcome;
    },
  };
}
