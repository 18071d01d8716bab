/**
 * Key rotation: re-seals every stored secret under the primary key of CREDENTIALS_KEYS, so an
 * old key can be removed from the ring afterwards. Safe to run while the system is live: each
 * update is conditional on the ciphertext it read.
 */
import type { Logger } from 'pino';
import type { Models } from '../../db/models.js';
import type { KeyRing, Sealed } from '../../lib/keyring.js';

export async function reencryptCredentials(deps: { models: Models; keyRing: KeyRing; log: Logger }) {
  const { Credential } = deps.models;
  let examined = 0;
  let reencrypted = 0;
  const cursor = Credential.find({}).select('+accessToken +appSecret').lean().cursor();
  for await (const doc of cursor) {
    examined++;
    const set: Record<string, Sealed> = {};
    const filter: Record<string, unknown> = { _id: doc._id };
    for (const field of ['accessToken', 'appSecret'] as const) {
      const sealed = doc[field] as Sealed | undefined;
      if (!sealed || deps.keyRing.isPrimary(sealed)) continue;
      set[field] = deps.keyRing.seal(deps.keyRing.open(sealed));
      filter[`${field}.data`] = sealed.data;
    }
    if (Object.keys(set).length === 0) continue;
    const result = await Credential.updateOne(filter, { $set: set });
    if (result.modifiedCount === 1) reencrypted++;
    else deps.log.warn({ credentialId: String(doc._id) }, 'credential changed while re-encrypting; run again');
  }
  return { examined, reencrypted, primaryKeyId: deps.keyRing.primaryKeyId };
}
