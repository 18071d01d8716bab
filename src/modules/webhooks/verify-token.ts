/**
 * The GET handshake Meta makes when a callback URL is saved (meta-cloud-api.md §4.1): the verify
 * token must be the platform's META_VERIFY_TOKEN (compared in constant time) or one of our
 * credentials' tokens (found by its unique index, so the lookup reveals nothing by timing
 * that a guess at the whole token would not).
 */
import type { Deps } from '../../deps.js';
import { sameSecret } from './signature.js';

const MAX_TOKEN_LENGTH = 256;

export async function isKnownVerifyToken(deps: Pick<Deps, 'models' | 'config'>, token: string): Promise<boolean> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return false;
  const platform = deps.config.metaVerifyToken;
  if (platform && sameSecret(token, platform)) return true;
  return Boolean(await deps.models.Credential.exists({ verifyToken: token }));
}
