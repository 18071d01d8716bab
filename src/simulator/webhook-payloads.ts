/**
 * Meta's webhook shapes (meta-cloud-api.md §4.4–4.7 and the fixtures of §8): single updates as the
 * simulator produces them, and the envelope that batches several of them into one POST.
 */

/** One update, before batching. `messages`-field updates are grouped per phone number in the envelope. */
export type WebhookUpdate =
  | {
      readonly kind: 'status';
      readonly wabaId: string;
      readonly phoneNumberId: string;
      readonly displayDigits: string;
      readonly status: Record<string, unknown>;
    }
  | {
      readonly kind: 'message';
      readonly wabaId: string;
      readonly phoneNumberId: string;
      readonly displayDigits: string;
      readonly contact: Record<string, unknown>;
      readonly message: Record<string, unknown>;
    }
  | {
      /** Account-level fields (phone_number_quality_update, account_update, …): entry carries `time`. */
      readonly kind: 'account';
      readonly wabaId: string;
      readonly field: string;
      readonly value: Record<string, unknown>;
      readonly time: number;
    };

interface Entry {
  id: string;
  time?: number;
  changes: Array<{ field: string; value: Record<string, unknown> }>;
}

/**
 * `{object, entry[]}` with one entry per WABA (account-level updates in their own entry, with
 * `time`), and one `messages` change per phone number holding its statuses, or its contacts and
 * inbound messages.
 */
export function buildEnvelope(updates: readonly WebhookUpdate[]) {
  const entries = new Map<string, Entry>();
  const messageValues = new Map<string, Record<string, unknown>>();

  const entryFor = (key: string, id: string, time?: number): Entry => {
    let entry = entries.get(key);
    if (!entry) {
      entry = time === undefined ? { id, changes: [] } : { id, time, changes: [] };
      entries.set(key, entry);
    }
    return entry;
  };

  for (const update of updates) {
    if (update.kind === 'account') {
      entryFor(`${update.wabaId}|account`, update.wabaId, update.time).changes.push({ field: update.field, value: update.value });
      continue;
    }
    const valueKey = `${update.wabaId}|${update.phoneNumberId}|${update.kind}`;
    let value = messageValues.get(valueKey);
    if (!value) {
      value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: update.displayDigits, phone_number_id: update.phoneNumberId },
        ...(update.kind === 'status' ? { statuses: [] } : { contacts: [], messages: [] }),
      };
      messageValues.set(valueKey, value);
      entryFor(`${update.wabaId}|messages`, update.wabaId).changes.push({ field: 'messages', value });
    }
    if (update.kind === 'status') {
      (value.statuses as unknown[]).push(update.status);
    } else {
      const contacts = value.contacts as Array<Record<string, unknown>>;
      if (!contacts.some((contact) => contact.wa_id === update.contact.wa_id)) contacts.push(update.contact);
      (value.messages as unknown[]).push(update.message);
    }
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}

/** Unix seconds as Meta writes them in `timestamp` fields: a string. */
export const unixSeconds = (ms: number): string => String(Math.floor(ms / 1000));
