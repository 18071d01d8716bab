/**
 * Signatures on our outbound events, Stripe-style: `OCM-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 is HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint's secret (the string as
 * shown, UTF-8). The timestamp is signed too, so a receiver can refuse replays of old requests.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'ocm-signature';
export const EVENT_ID_HEADER = 'ocm-event-id';

/** 32 random bytes; the prefix makes a leaked secret recognisable to secret scanners. */
export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureHeader(secret: string, body: string, atMs = Date.now()): string {
  const t = Math.floor(atMs / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** What a receiver does (and what the README shows): true when the header signs this body recently. */
export function verifySignature(secret: string, body: string, header: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
