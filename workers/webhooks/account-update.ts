/**
 * `account_update` (meta-cloud-api.md §4.7): Meta restricted, banned, disabled or removed the
 * WhatsApp Business Account. Its credentials go to `error` with a sentence an operator can act
 * on, and everything sending through them is paused. Nothing is resumed automatically: a later
 * verification of the credential, then a resume, brings it back.
 */
import { announceCredentialStatus } from '../../src/modules/events/announce.js';
import type { WebhookContext } from './context.js';
import { updateFingerprint } from './markers.js';
import type { Outcome } from './results.js';
import { AccountUpdateValue, type AccountUpdateValue as Value } from './schemas.js';
import type { Update } from './updates.js';

type AccountUpdate = Extract<Update, { kind: 'account' }>;

const RECOVERY = 'Resolve it in WhatsApp Manager (Account quality), then verify the credential again and resume its campaigns.';

const listOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/** The operator's sentence for each event that stops the account; null for events that do not. */
function describe(wabaId: string, value: Value): string | null {
  const account = `WhatsApp Business Account ${wabaId}`;
  switch (value.event.toUpperCase()) {
    case 'ACCOUNT_RESTRICTION': {
      const restrictions = (value.restriction_info ?? []).map((item) => `${item.restriction_type ?? 'restricted'}${item.expiration ? ` until ${formatExpiry(item.expiration)}` : ''}`);
      return `Meta restricted ${account}${restrictions.length ? ` (${restrictions.join('; ')})` : ''}. ${RECOVERY}`;
    }
    case 'DISABLED_UPDATE': {
      const state = listOf(value.ban_info?.waba_ban_state);
      if (state && /REINSTATE/i.test(state)) return null;
      return `Meta disabled ${account}${state ? ` (ban state ${state}${value.ban_info?.waba_ban_date ? ` from ${value.ban_info.waba_ban_date}` : ''})` : ''}. ${RECOVERY}`;
    }
    case 'ACCOUNT_VIOLATION':
      return `Meta reported a policy violation on ${account}${value.violation_info?.violation_type ? ` (${value.violation_info.violation_type})` : ''}. ${RECOVERY}`;
    case 'ACCOUNT_DELETED':
      return `Meta deleted ${account}; nothing can be sent through it. Register the number under another account and update the credential.`;
    case 'ACCOUNT_OFFBOARDED':
      return `${account} was offboarded from this platform's Meta app; nothing can be sent through it until it is connected again. ${RECOVERY}`;
    default:
      return null;
  }
}

function formatExpiry(expiration: string | number): string {
  const seconds = Number(expiration);
  return Number.isFinite(seconds) && seconds > 1e9 ? new Date(seconds * 1000).toISOString() : String(expiration);
}

export function createAccountUpdateHandler(ctx: WebhookContext) {
  const { Credential } = ctx.models;

  return {
    async apply(update: AccountUpdate): Promise<Outcome> {
      const parsed = AccountUpdateValue.safeParse(update.value);
      const lastError = parsed.success ? describe(update.wabaId, parsed.data) : null;
      if (!lastError) return 'unhandled';
      const credentials = await Credential.find({ wabaId: update.wabaId }, { _id: 1, clientId: 1, status: 1 }).lean();
      if (credentials.length === 0) return 'unknown';
      const fingerprint = updateFingerprint(update.wabaId, update.field, update.time, update.value);
      if (await ctx.markers.seen(fingerprint)) return 'unchanged';

      await Credential.updateMany({ wabaId: update.wabaId }, { $set: { status: 'error', lastError, lastCheckedAt: new Date() } });
      for (const credential of credentials) {
        if (credential.status !== 'error') announceCredentialStatus(ctx.models, credential, 'error', lastError);
        await ctx.campaigns.pauseAllForCredential(String(credential._id), `Paused because credential ${String(credential._id)} is in error: ${lastError}`);
      }
      ctx.deps.log.warn({ wabaId: update.wabaId, event: parsed.data?.event, credentials: credentials.length }, 'Meta stopped a WhatsApp Business Account; its credentials are in error');
      await ctx.markers.remember(fingerprint);
      return 'applied';
    },
  };
}
