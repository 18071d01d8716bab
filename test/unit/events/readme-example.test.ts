/** The signature check the docs give clients (README.md, "Events for client systems"), copied verbatim, against our signer. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newEndpointSecret, signatureHeader } from '../../../src/modules/events/signature.js';

// --- as in the docs ---
/** True when `signature` (the OCM-Signature header) signs `rawBody` with `secret`, within 5 minutes. */
export function verifyOcmSignature(rawBody: string | Buffer, signature: string, secret: string, toleranceSeconds = 300): boolean {
  const fields = new Map(signature.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const v1 = fields.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
// --- end ---

describe('the documented signature check', () => {
  it('accepts our signatures on the raw body, as a string or as bytes, and nothing else', () => {
    const secret = newEndpointSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'optout.created', createdAt: new Date().toISOString(), data: { phone: '5511', source: 'api ✓' } });
    const header = signatureHeader(secret, body);
    expect(verifyOcmSignature(body, header, secret)).toBe(true);
    expect(verifyOcmSignature(Buffer.from(body), header, secret)).toBe(true);
    expect(verifyOcmSignature(body.replace('api', 'API'), header, secret)).toBe(false);
    expect(verifyOcmSignature(body, header, newEndpointSecret())).toBe(false);
    expect(verifyOcmSignature(body, signatureHeader(secret, body, Date.now() - 600_000), secret)).toBe(false);
  });
});
