/**
 * A user's message to a business number: stored once per credential (by wamid), and it opens or
 * renews the 24 h customer-service window for that user on every credential of the number
 * (Contact.lastInboundAt, which text sends check). A STOP opts the user out — only the first
 * time the message is seen, so a late duplicate cannot undo a client's later opt-in.
 */
import { normalizePhone } from '../../src/lib/phone.js';
import { announceInbound } from '../../src/modules/events/announce.js';
import type { WebhookContext } from './context.js';
import type { Outcome } from './results.js';
import { contentOf, optOutSourceOf } from './stop-words.js';
import type { Update } from './updates.js';

type InboundUpdate = Extract<Update, { kind: 'inbound' }>;

export function createInboundHandler(ctx: WebhookContext) {
  const { Credential, Contact, InboundMessage } = ctx.models;

  /** Opens the window; `$max` keeps the newest message time when messages arrive out of order. */
  async function touchContact(credential: { _id: unknown; clientId: unknown }, phone: string | null, userId: string | undefined, profileName: string | undefined, at: Date) {
    const set = { ...(userId ? { userId } : {}), ...(profileName ? { profileName } : {}) };
    if (phone) {
      await Contact.updateOne({ credentialId: credential._id, phone }, {
        $setOnInsert: { clientId: credential.clientId }, $set: set, $max: { lastInboundAt: at },
      }, { upsert: true });
    } else if (userId) {
      // A user who hides their number (usernames, 2026): only a contact we already know by BSUID can be updated.
      await Contact.updateOne({ credentialId: credential._id, userId }, { $set: set, $max: { lastInboundAt: at } });
    }
  }

  return {
    async apply(update: InboundUpdate, webhookEventId: string): Promise<Outcome> {
      const credentials = await Credential.find({ phoneNumberId: update.phoneNumberId }, { _id: 1, clientId: 1 }).lean();
      if (credentials.length === 0) return 'unknown';
      const { item, contact } = update;
      const phone = normalizePhone(item.from ?? contact?.wa_id ?? '');
      const userId = item.from_user_id ?? contact?.user_id;
      const profileName = contact?.profile?.name;
      const at = ctx.dateOf(item.timestamp);
      const stop = optOutSourceOf(item);
      let outcome: Outcome = 'unchanged';

      for (const credential of credentials) {
        const seenBefore = await InboundMessage.exists({ credentialId: credential._id, wamid: item.id });
        if (!seenBefore && stop && phone) await ctx.optOut(credential.clientId, phone, stop);
        await touchContact(credential, phone, userId, profileName, at);
        // Stored last: if anything above fails, the retry still sees the message as new.
        const stored = await InboundMessage.updateOne({ credentialId: credential._id, wamid: item.id }, {
          $setOnInsert: {
            clientId: credential.clientId, credentialId: credential._id, wamid: item.id, from: phone ?? undefined, fromUserId: userId,
            profileName, type: item.type, ...contentOf(item), contextWamid: item.context?.id, sentAt: at,
            effect: stop && phone ? 'opt_out' : undefined, webhookEventId, raw: update.raw,
          },
        }, { upsert: true });
        if (stored.upsertedCount === 1) {
          outcome = 'applied';
          announceInbound(ctx.models, { clientId: credential.clientId, credentialId: credential._id, from: phone ?? userId ?? '', type: item.type, text: contentOf(item).text, at });
        }
      }
      return outcome;
    },
  };
}
