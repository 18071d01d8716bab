/**
 * Status webhooks → our messages. A status finds its message by wamid, else by our id in
 * `biz_opaque_callback_data` (which also settles a send whose HTTP answer was lost: the message
 * is still `sending` with no wamid). Every change goes through `transitions.move`, a
 * compare-and-set that only moves forward and counts the campaign once; a status that arrives
 * after a later one only fills in the history (late-status.ts). So duplicates, replays and any
 * arrival order end in the same message, history and counts.
 */
import type { Types } from 'mongoose';
import type { MessageStatus } from '../../src/db/models/campaign.model.js';
import { batched } from '../../src/lib/batched.js';
import { TtlCache } from '../../src/lib/ttl-cache.js';
import { classifyMetaError } from '../../src/meta/classify.js';
import { predecessorsOf } from '../../src/modules/messages/transitions.js';
import { messageIdFromCallback } from '../../src/sending/payload.js';
import type { WebhookContext } from './context.js';
import { recordLateStatus, TIME_FIELD, type LateTarget } from './late-status.js';
import { chargeOf, pricingRecord, recordPricing } from './pricing.js';
import type { Outcome, UpdateResult } from './results.js';
import type { StatusItem } from './schemas.js';
import type { Update } from './updates.js';

type StatusUpdate = Extract<Update, { kind: 'status' }>;

/** The statuses of Meta's we act on; others (played, deleted, future ones) are kept as unhandled. */
const KNOWN: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);
/** Order within one delivery for the same message, so a clean batch needs no late-status repair. */
const ORDER: Readonly<Record<string, number>> = { sent: 1, delivered: 2, failed: 2, read: 3 };
/** Messages worked on at once; each message's own statuses are applied one after another. */
const CONCURRENCY = 16;
/** Meta's code for "the user stopped marketing messages from this business". */
const MARKETING_OPT_OUT = 131050;

/** The batch's snapshot of a message, kept up to date as we change it; writes never trust it (compare-and-set). */
interface TargetMessage extends LateTarget {
  clientId: Types.ObjectId;
  campaignId?: Types.ObjectId | null;
  credentialId: Types.ObjectId;
  to: string;
  test?: boolean | null;
  pricing?: unknown;
}

const callbackIdOf = (update: StatusUpdate) => messageIdFromCallback(update.item.biz_opaque_callback_data);

const PROJECTION = { _id: 1, status: 1, statusHistory: 1, clientId: 1, campaignId: 1, credentialId: 1, to: 1, test: 1, wamid: 1, pricing: 1 } as const;

function errorOf(item: StatusItem) {
  const error = item.errors?.[0];
  if (!error) return { code: undefined, title: 'Meta reported the message as failed without an error', message: undefined };
  return { code: error.code, title: error.title ?? error.message, message: error.error_data?.details ?? error.message ?? error.title };
}

/** Fields written with a forward move. */
function forwardChange(status: MessageStatus, item: StatusItem, at: Date) {
  const set: Record<string, unknown> = { wamid: item.id, [TIME_FIELD[status]]: at };
  // The send is settled: whatever waited on its answer (lost-answer grace, retry notes) is over.
  const unset = ['sendingSince', 'releasedAt', 'waitReason', 'notBefore'];
  if (status === 'failed') {
    const error = errorOf(item);
    set.error = error;
    set.errorKind = error.code === undefined ? 'recipient' : classifyMetaError(error.code, undefined, 400);
  } else {
    unset.push('error', 'errorKind');
  }
  return { set, unset };
}

export function createStatusHandler(ctx: WebhookContext) {
  const { Message, Credential } = ctx.models;

  // A phone number's credentials hardly ever change; an unknown number is not remembered, so a
  // credential added for it is seen at once.
  const credentialsOfNumber = new TtlCache<string, string[]>(5_000);

  /** Which credentials each status may touch: those of the phone number it came through. */
  async function numbersOfCredentials(updates: StatusUpdate[]): Promise<Map<string, string>> {
    const numberOf = new Map<string, string>();
    for (const phoneNumberId of new Set(updates.map((update) => update.phoneNumberId))) {
      const ids = await credentialsOfNumber.get(phoneNumberId, async () =>
        (await Credential.find({ phoneNumberId }, { _id: 1 }).lean()).map((credential) => String(credential._id)));
      if (ids.length === 0) credentialsOfNumber.delete(phoneNumberId);
      for (const id of ids) numberOf.set(id, phoneNumberId);
    }
    return numberOf;
  }

  // Deliveries processed at once look their messages up together: one query per event-loop turn.
  // The wamid index is unique, so a wamid names one message at most; whether a status may touch
  // it (same phone number) is checked below, not in the query.
  const byWamid = batched(async (wamids: string[]) => {
    const found = await Message.find({ wamid: { $in: wamids } }, PROJECTION).lean<TargetMessage[]>();
    const byKey = new Map(found.map((message) => [message.wamid!, message]));
    return wamids.map((wamid) => byKey.get(wamid));
  });

  /** The message each status names (by update key): by wamid, else by our id in biz_opaque_callback_data. */
  async function findTargets(updates: StatusUpdate[]): Promise<Map<string, TargetMessage>> {
    const numberOf = await numbersOfCredentials(updates);
    const wamids = [...new Set(updates.map((update) => update.item.id))];
    // One snapshot per message for the whole delivery: its statuses are applied to it in turn.
    const found = new Map((await Promise.all(wamids.map(byWamid))).filter((message) => message !== undefined).map((message) => [message.wamid!, { ...message }]));
    const ourIds = [...new Set(updates.filter((update) => !found.has(update.item.id)).map(callbackIdOf).filter((id) => id !== null))];
    const byOurId = new Map((ourIds.length ? await Message.find({ _id: { $in: ourIds }, credentialId: { $in: [...numberOf.keys()] } }, PROJECTION).lean<TargetMessage[]>() : [])
      .map((message) => [String(message._id), message]));

    const targets = new Map<string, TargetMessage>();
    for (const update of updates) {
      const message = found.get(update.item.id) ?? byOurId.get(callbackIdOf(update) ?? '');
      if (message && numberOf.get(String(message.credentialId)) === update.phoneNumberId) targets.set(update.key, message);
    }
    return targets;
  }

  async function applyOne(message: TargetMessage, item: StatusItem): Promise<Outcome> {
    // Found by our id but sent under another wamid (a resend after a lost answer): that send's statuses are not this one's.
    if (message.wamid && message.wamid !== item.id) return 'unchanged';
    const status = item.status as MessageStatus;
    const at = ctx.dateOf(item.timestamp);
    const { set, unset } = forwardChange(status, item, at);
    // The first pricing goes with the move that brings it: one write instead of two.
    const pricing = item.pricing && !message.pricing ? item.pricing : undefined;
    if (pricing) set.pricing = pricingRecord(pricing);
    // Statuses never move back on their own, so a message already past this one need not be asked.
    const mayMove = predecessorsOf(status).includes(message.status);
    // Our own id may find a message whose wamid is unknown yet (lost answer): it is set with the move.
    // The cost counts it once: unless another status of the message stored a pricing just before.
    const moved = mayMove ? await ctx.transitions.move(message._id, status, {
      at, set, unset, where: { wamid: { $in: [item.id, null] } }, pricing: item.pricing, charge: pricing && chargeOf(pricing),
    }) : null;
    if (moved) {
      Object.assign(message, { status, wamid: item.id, statusHistory: [...(message.statusHistory ?? []), { status }] });
      if (pricing) message.pricing = set.pricing;
    }
    // A failed move means the snapshot is out of date.
    const outcome = moved ? 'applied' : await recordLateStatus(ctx, message, status, at, item.id, mayMove);
    if (moved && status === 'failed' && errorOf(item).code === MARKETING_OPT_OUT) await ctx.optOut(message.clientId, message.to, 'meta_131050');
    const priced = !moved && await recordPricing(ctx, message, item.pricing);
    return priced ? 'applied' : outcome;
  }

  async function applyInOrder(message: TargetMessage, updates: StatusUpdate[]): Promise<UpdateResult[]> {
    const ordered = [...updates].sort((a, b) => ORDER[a.item.status] - ORDER[b.item.status] || a.item.timestamp - b.item.timestamp);
    const results: UpdateResult[] = [];
    for (const update of ordered) results.push({ key: update.key, field: update.field, outcome: await applyOne(message, update.item) });
    return results;
  }

  return {
    async apply(updates: StatusUpdate[]): Promise<UpdateResult[]> {
      const results: UpdateResult[] = [];
      const known = updates.filter((update) => {
        if (KNOWN.has(update.item.status)) return true;
        results.push({ key: update.key, field: update.field, outcome: 'unhandled' });
        return false;
      });
      if (known.length === 0) return results;
      const targets = await findTargets(known);
      const byMessage = new Map<string, { message: TargetMessage; updates: StatusUpdate[] }>();
      for (const update of known) {
        const message = targets.get(update.key);
        if (!message) {
          results.push({ key: update.key, field: update.field, outcome: 'unknown' });
          continue;
        }
        const group = byMessage.get(String(message._id)) ?? { message, updates: [] };
        group.updates.push(update);
        byMessage.set(String(message._id), group);
      }
      const groups = [...byMessage.values()];
      let next = 0;
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, async () => {
        while (next < groups.length) {
          const group = groups[next++];
          results.push(...await applyInOrder(group.message, group.updates));
        }
      }));
      return results;
    },
  };
}
