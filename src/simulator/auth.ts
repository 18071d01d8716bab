/**
 * Access tokens as Graph checks them: `Authorization: Bearer …` or `?access_token=`, unknown →
 * 190, expired → 190/463, and an `appsecret_proof`, when sent, must match the token's app secret.
 */
import { createHmac } from 'node:crypto';
import type { SimulatorContext } from './context.js';
import { expiredTokenError, invalidAppsecretProofError, invalidTokenError, type MetaError } from './meta-errors.js';
import type { SimToken } from './state.js';

export type AuthResult = { readonly ok: true; readonly token: SimToken } | { readonly ok: false; readonly error: MetaError };

export interface AuthInput {
  readonly authorization?: string;
  readonly query?: Record<string, unknown>;
}

export function presentedToken({ authorization, query }: AuthInput): string | null {
  if (authorization) {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const fromQuery = query?.access_token;
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : null;
}

export function authenticate(ctx: SimulatorContext, input: AuthInput): AuthResult {
  const now = ctx.now();
  const check = ctx.state.checkToken(presentedToken(input), now);
  if (check.kind === 'unknown') return { ok: false, error: invalidTokenError() };
  if (check.kind === 'expired') return { ok: false, error: expiredTokenError(check.expiredAtMs, now) };

  const proof = input.query?.appsecret_proof;
  if (typeof proof === 'string') {
    const app = ctx.state.apps.get(check.token.appId);
    const expected = app ? createHmac('sha256', app.secret).update(check.token.token).digest('hex') : null;
    if (proof !== expected) return { ok: false, error: invalidAppsecretProofError() };
  }
  return { ok: true, token: check.token };
}
