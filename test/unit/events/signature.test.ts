/** OCM-Signature: checked against an HMAC computed here from the contract's description, not with our code. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newEndpointSecret, signatureHeader, verifySignature } from '../../../src/modules/events/signature.js';

describe('signatures', () => {
  const secret = newEndpointSecret();
  const body = JSON.stringify({ id: 'evt_1', type: 'message.status', createdAt: '2026-01-01T00:00:00.000Z', data: { to: '5511', text: 'olá €' } });

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const header = signatureHeader(secret, body, at);
    const t = Math.floor(at / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex')}`);
  });

  it('verifies its own signature, refuses tampering, other secrets and stale timestamps', () => {
    const now = Date.now();
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, body, header, 300, now)).toBe(true);
    expect(verifySignature(secret, `${body} `, header, 300, now)).toBe(false);
    expect(verifySignature(newEndpointSecret(), body, header, 300, now)).toBe(false);
    expect(verifySignature(secret, body, header, 300, now + 301_000)).toBe(false);
    expect(verifySignature(secret, body, 'v1=abc', 300, now)).toBe(false);
  });

  it('generates distinct, prefixed secrets', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newEndpointSecret()).not.toBe(secret);
  });
});
