/**
 * Meta's webhook signature (meta-cloud-api.md §4.2): `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the exact request bytes keyed by an app secret. Compared in constant time;
 * the bytes are never re-serialised (Meta signs its escaped-unicode form).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

export type SignatureHeader =
  | { kind: 'ok'; digest: Buffer }
  | { kind: 'missing' }
  | { kind: 'malformed' };

export function parseSignatureHeader(value: string | string[] | undefined): SignatureHeader {
  if (value === undefined || value === '') return { kind: 'missing' };
  const match = typeof value === 'string' ? HEADER.exec(value.trim()) : null;
  return match ? { kind: 'ok', digest: Buffer.from(match[1], 'hex') } : { kind: 'malformed' };
}

export function hmacSha256(body: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** True when `digest` is the body's HMAC under `secret`; constant time in the digest. */
export function signedWith(body: Buffer, digest: Buffer, secret: string): boolean {
  const expected = hmacSha256(body, secret);
  return expected.length === digest.length && timingSafeEqual(expected, digest);
}

/** Equality of two secrets of any length without leaking where they differ (hashing fixes the length). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'ocm-compare').update(given).digest();
  const b = createHmac('sha256', 'ocm-compare').update(expected).digest();
  return timingSafeEqual(a, b);
}
