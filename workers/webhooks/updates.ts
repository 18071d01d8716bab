/**
 * A stored delivery, read back as a flat list of updates — one per status, inbound message or
 * account-level change — each with a key that is stable within the delivery, so a retry can
 * pick up exactly the updates that were not resolved yet.
 */
import {
  ContactItem, Envelope, InboundItem, MessagesValue, StatusItem,
  type ContactItem as Contact, type InboundItem as Inbound, type StatusItem as Status,
} from './schemas.js';

interface Base {
  /** `<entry>.<change>[.<list>.<index>]` within the delivery. */
  key: string;
  field: string;
  wabaId: string;
}

export type Update =
  | (Base & { kind: 'status'; phoneNumberId: string; item: Status })
  | (Base & { kind: 'inbound'; phoneNumberId: string; item: Inbound; contact: Contact | undefined; raw: unknown })
  | (Base & { kind: 'account'; time: number | undefined; value: Record<string, unknown> })
  | (Base & { kind: 'unhandled'; reason: string });

const unhandled = (key: string, field: string, wabaId: string, reason: string): Update => ({ kind: 'unhandled', key, field, wabaId, reason });

export function readUpdates(body: string): Update[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [unhandled('0', '(none)', '', 'the body is not JSON')];
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return [unhandled('0', '(none)', '', 'the body is not a webhook envelope (object, entry[].changes[])')];
  if (envelope.data.object !== 'whatsapp_business_account') {
    return [unhandled('0', '(none)', '', `object "${envelope.data.object}" is not whatsapp_business_account`)];
  }
  const updates: Update[] = [];
  envelope.data.entry.forEach((entry, e) => entry.changes.forEach((change, c) => {
    const key = `${e}.${c}`;
    if (change.field === 'messages') updates.push(...messagesUpdates(key, entry.id, change.value));
    else updates.push({ kind: 'account', key, field: change.field, wabaId: entry.id, time: entry.time, value: change.value });
  }));
  return updates;
}

/** A `messages` change: statuses of our sends, and users' messages with their contacts. */
function messagesUpdates(key: string, wabaId: string, raw: Record<string, unknown>): Update[] {
  const field = 'messages';
  const value = MessagesValue.safeParse(raw);
  if (!value.success || !value.data.metadata) return [unhandled(key, field, wabaId, 'a messages change without metadata.phone_number_id')];
  const { phone_number_id: phoneNumberId } = value.data.metadata;
  const updates: Update[] = [];
  value.data.statuses?.forEach((candidate, i) => {
    const item = StatusItem.safeParse(candidate);
    updates.push(item.success
      ? { kind: 'status', key: `${key}.statuses.${i}`, field, wabaId, phoneNumberId, item: item.data }
      : unhandled(`${key}.statuses.${i}`, field, wabaId, 'a status item without id, status or timestamp'));
  });
  const contacts = (value.data.contacts ?? []).map((contact) => ContactItem.safeParse(contact)).filter((parsed) => parsed.success).map((parsed) => parsed.data);
  value.data.messages?.forEach((candidate, i) => {
    const item = InboundItem.safeParse(candidate);
    if (!item.success) {
      updates.push(unhandled(`${key}.messages.${i}`, field, wabaId, 'a message item without id, type or timestamp'));
      return;
    }
    const contact = contacts.find((one) => (item.data.from && one.wa_id === item.data.from) || (item.data.from_user_id && one.user_id === item.data.from_user_id))
      ?? (contacts.length === 1 ? contacts[0] : undefined);
    updates.push({ kind: 'inbound', key: `${key}.messages.${i}`, field, wabaId, phoneNumberId, item: item.data, contact, raw: candidate });
  });
  if (value.data.errors?.length) updates.push(unhandled(`${key}.errors`, field, wabaId, 'errors reported by Meta for the number'));
  if (updates.length === 0) updates.push(unhandled(key, field, wabaId, 'a messages change with no statuses or messages'));
  return updates;
}
