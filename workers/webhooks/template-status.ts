/**
 * `message_template_status_update` (meta-cloud-api.md §4.7): the template's status in our
 * catalogue, and the campaigns using it. A template Meta stops (paused, disabled, rejected,
 * deleted…) pauses them with a reason naming it; an approved or reinstated one does not resume
 * anything by itself (an operator or the client does), but their reason then says they can be.
 */
import type { WebhookContext } from './context.js';
import { updateFingerprint } from './markers.js';
import type { Outcome } from './results.js';
import { TemplateStatusValue, type TemplateStatusValue as Value } from './schemas.js';
import type { Update } from './updates.js';

type AccountUpdate = Extract<Update, { kind: 'account' }>;

/** The catalogue status after each event; events not listed (FLAGGED, LOCKED, …) leave it as it is. */
const STATUS_AFTER: Readonly<Record<string, string>> = {
  APPROVED: 'APPROVED', REINSTATED: 'APPROVED', UNARCHIVED: 'APPROVED', PAUSED: 'PAUSED', DISABLED: 'DISABLED',
  REJECTED: 'REJECTED', PENDING: 'PENDING', IN_APPEAL: 'IN_APPEAL', ARCHIVED: 'ARCHIVED', DELETED: 'DELETED',
  PENDING_DELETION: 'PENDING_DELETION', LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
};
/** Only APPROVED templates can be sent: these stop the campaigns using the template. */
const STOPS_CAMPAIGNS: ReadonlySet<string> = new Set(['PAUSED', 'DISABLED', 'REJECTED', 'DELETED', 'PENDING_DELETION', 'ARCHIVED', 'LOCKED']);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const label = (value: Value) => `template "${value.message_template_name}" (${value.message_template_language})`;

function why(value: Value): string {
  const parts = [value.other_info?.title, value.other_info?.description, value.reason && value.reason !== 'NONE' ? value.reason : undefined].filter(Boolean);
  return parts.length ? `: ${parts.join(' — ')}` : '';
}

export function createTemplateStatusHandler(ctx: WebhookContext) {
  const { Credential, Template, Campaign } = ctx.models;

  async function announceResumable(credentialIds: unknown[], value: Value, event: string) {
    // Only campaigns we paused because of this template: their reason names it.
    await Campaign.updateMany({
      credentialId: { $in: credentialIds }, status: 'paused', pausedBy: 'system',
      'template.name': value.message_template_name, 'template.language': value.message_template_language,
      pausedReason: { $regex: escapeRegExp(label(value)), $options: 'i' },
    }, { $set: { pausedReason: `Meta approved ${label(value)} again (${event}); the campaign can be resumed.` } });
  }

  return {
    async apply(update: AccountUpdate): Promise<Outcome> {
      const parsed = TemplateStatusValue.safeParse(update.value);
      if (!parsed.success) return 'unhandled';
      const value = parsed.data;
      const event = value.event.toUpperCase();
      const credentials = await Credential.find({ wabaId: update.wabaId }, { _id: 1 }).lean();
      if (credentials.length === 0) return 'unknown';
      const fingerprint = updateFingerprint(update.wabaId, update.field, update.time, update.value);
      if (await ctx.markers.seen(fingerprint)) return 'unchanged';
      const subject = `template:${update.wabaId}:${value.message_template_name}:${value.message_template_language}`;
      if (!(await ctx.markers.claimLatest(subject, update.time))) {
        await ctx.markers.remember(fingerprint);
        return 'unchanged';
      }

      const status = STATUS_AFTER[event];
      const where = { wabaId: update.wabaId, name: value.message_template_name, language: value.message_template_language };
      if (status) await Template.updateMany(where, { $set: { status, ...(value.message_template_id ? { metaId: value.message_template_id } : {}) } });
      const credentialIds = credentials.map((credential) => credential._id);
      if (STOPS_CAMPAIGNS.has(event)) {
        const reason = `Meta set ${label(value)} to ${event}${why(value)}. Campaigns using it stay paused until it is approved again and someone resumes them.`;
        for (const id of credentialIds) {
          await ctx.campaigns.pauseAllForCredential(String(id), reason, { 'template.name': where.name, 'template.language': where.language });
        }
      } else if (status === 'APPROVED') {
        await announceResumable(credentialIds, value, event);
      }
      await ctx.markers.remember(fingerprint);
      return status || STOPS_CAMPAIGNS.has(event) ? 'applied' : 'unhandled';
    },
  };
}
