/**
 * Key rotation: re-seals every stored secret — credentials' access tokens and app secrets, and
 * client webhook endpoints' signing secrets — under the primary key of CREDENTIALS_KEYS, so an old
 * key can be removed from the ring afterwards. Safe to run while the system is live: each update
 * is conditional on the ciphertext it read.
 */
import type { Logger } from 'pino';
import type { Models } from '../../db/models.js';
import type { KeyRing, Sealed } from '../../lib/keyring.js';

type SealedModel = { find(filter: object): { select(fields: string): { lean(): { cursor(): AsyncIterable<Record<string, unknown>> } } }; updateOne(filter: object, update: object): Promise<{ modifiedCount: number }> };

async function reseal(model: SealedModel, fields: string[], deps: { keyRing: KeyRing; log: Logger }) {
  let examined = 0;
  let reencrypted = 0;
  const cursor = model.find({}).select(fields.map((field) => `+${field}`).join(' ')).lean().cursor();
  for await (const doc of cursor) {
    examined++;
    const set: Record<string, Sealed> = {};
    const filter: Record<string, unknown> = { _id: doc._id };
    for (const field of fields) {
      const sealed = doc[field] as Sealed | undefined;
      if (!sealed || deps.keyRing.isPrimary(sealed)) continue;
      set[field] = deps.keyRing.seal(deps.keyRing.open(sealed));
      filter[`${field}.data`] = sealed.data;
    }
    if (Object.keys(set).length === 0) continue;
    const result = await model.updateOne(filter, { $set: set });
    if (result.modifiedCount === 1) reencrypted++;
    else deps.log.warn({ id: String(doc._id) }, 'a record changed while re-encrypting; run again');
  }
  return { examined, reencrypted };
}

export async function reencryptCredentials(deps: { models: Models; keyRing: KeyRing; log: Logger }) {
  const credentials = await reseal(deps.models.Credential as unknown as SealedModel, ['accessToken', 'appSecret'], deps);
  const endpoints = await reseal(deps.models.WebhookEndpoint as unknown as SealedModel, ['secret'], deps);
  return {
    examined: credentials.examined + endpoints.examined,
    reencrypted: credentials.reencrypted + endpoints.reencrypted,
    primaryKeyId: deps.keyRing.primaryKeyId,
  };
}
