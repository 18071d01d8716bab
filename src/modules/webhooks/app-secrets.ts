/**
 * Which app secrets may have signed a delivery, and for which of the accounts it names each may
 * speak. The platform's META_APP_SECRET (our own Meta app) speaks for every account. A client's
 * secret — from the credentials the delivery names — speaks only for the named ids its own
 * credentials hold (or that no credential holds): a delivery it signs is accepted, but updates
 * about another client's number are not applied (workers/webhooks/trust.ts), so no client can
 * write into another's messages with its own app. Secrets are decrypted here, used, and dropped.
 */
import type { Deps } from '../../deps.js';
import type { NamedIds } from './named-ids.js';

export interface SecretCandidate {
  secret: string;
  kind: 'credential' | 'platform';
  /** `waba:<id>` / `phone:<id>` this secret may speak for; the platform's speaks for all. */
  vouchesFor: string[] | 'all';
}

type SecretsDeps = Pick<Deps, 'models' | 'keyRing' | 'config' | 'log'>;

export const namedKeys = (ids: Pick<NamedIds, 'wabaIds' | 'phoneNumberIds'>) =>
  [...ids.wabaIds.map((id) => `waba:${id}`), ...ids.phoneNumberIds.map((id) => `phone:${id}`)];

export async function candidateSecrets(deps: SecretsDeps, ids: NamedIds): Promise<SecretCandidate[]> {
  const candidates: SecretCandidate[] = [];
  if (deps.config.metaAppSecret) candidates.push({ secret: deps.config.metaAppSecret, kind: 'platform', vouchesFor: 'all' });
  const or = [
    ...(ids.wabaIds.length ? [{ wabaId: { $in: ids.wabaIds } }] : []),
    ...(ids.phoneNumberIds.length ? [{ phoneNumberId: { $in: ids.phoneNumberIds } }] : []),
  ];
  if (or.length === 0) return candidates;

  const found = await deps.models.Credential.find({ $or: or }, { wabaId: 1, phoneNumberId: 1, appSecret: 1 }).select('+appSecret').lean();
  const credentials = found.map((credential) => ({ ...credential, secret: openSecret(deps, credential) }));
  const named = namedKeys(ids);
  // For every named id we hold: the secrets of the credentials holding it (null: one without a secret).
  const ownersOf = new Map<string, Set<string | null>>();
  for (const credential of credentials) {
    for (const key of [`waba:${credential.wabaId}`, `phone:${credential.phoneNumberId}`]) {
      if (named.includes(key)) ownersOf.set(key, (ownersOf.get(key) ?? new Set()).add(credential.secret));
    }
  }
  const distinct = new Set(credentials.map((credential) => credential.secret).filter((secret): secret is string => Boolean(secret)));
  for (const secret of distinct) {
    if (secret === deps.config.metaAppSecret) continue;
    const vouchesFor = named.filter((key) => !ownersOf.has(key) || ownersOf.get(key)!.has(secret));
    candidates.push({ secret, kind: 'credential', vouchesFor });
  }
  return candidates;
}

/** A secret that cannot be opened is skipped (and said so, without the secret). */
function openSecret(deps: SecretsDeps, credential: { _id: unknown; appSecret?: unknown }): string | null {
  if (!credential.appSecret) return null;
  try {
    return deps.keyRing.open(credential.appSecret as never);
  } catch (error) {
    deps.log.warn({ credentialId: String(credential._id), reason: (error as Error).message },
      'a credential app secret could not be decrypted; it is not used to verify webhooks');
    return null;
  }
}
