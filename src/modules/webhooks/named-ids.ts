/**
 * The ids a webhook body names — WABA ids (`entry[].id`) and phone number ids
 * (`value.metadata.phone_number_id`) — read BEFORE its signature is checked, only to choose
 * which app secrets to try. Nothing else in an unverified body is looked at.
 */

/** More distinct ids than Meta ever batches; bounds the secret lookup an anonymous caller can cause. */
const MAX_IDS = 50;
const ID = /^\d{1,32}$/;

export interface NamedIds {
  wabaIds: string[];
  phoneNumberIds: string[];
  /** `changes[].field` values, in order of appearance. */
  fields: string[];
}

const asId = (value: unknown): string | null => {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && ID.test(text) ? text : null;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function namedIds(body: unknown): NamedIds {
  const wabaIds = new Set<string>();
  const phoneNumberIds = new Set<string>();
  const fields = new Set<string>();
  const entries = isRecord(body) && Array.isArray(body.entry) ? body.entry : [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const wabaId = asId(entry.id);
    if (wabaId && wabaIds.size < MAX_IDS) wabaIds.add(wabaId);
    for (const change of Array.isArray(entry.changes) ? entry.changes : []) {
      if (!isRecord(change)) continue;
      if (typeof change.field === 'string' && fields.size < MAX_IDS) fields.add(change.field.slice(0, 100));
      const metadata = isRecord(change.value) && isRecord(change.value.metadata) ? change.value.metadata : undefined;
      const phoneNumberId = asId(metadata?.phone_number_id);
      if (phoneNumberId && phoneNumberIds.size < MAX_IDS) phoneNumberIds.add(phoneNumberId);
    }
  }
  return { wabaIds: [...wabaIds], phoneNumberIds: [...phoneNumberIds], fields: [...fields] };
}
