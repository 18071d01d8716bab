/**
 * Behind a TLS-terminating proxy (TRUST_PROXY): the admin cookie is Secure when the caller used
 * https, and login throttling counts each caller's own address, so one person guessing passwords
 * does not lock every operator out through the proxy's shared address. Forwarded headers from
 * anyone but the trusted proxy are ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, MAX_ATTEMPTS_PER_ADDRESS } from '../../../admin/auth/login-throttle.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { ADMIN, seedOperators } from './fixtures.js';

const PROXY = '10.1.2.3';
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ TRUST_PROXY: `${PROXY},10.9.0.0/16` }, { admin: true });
  await seedOperators(t.deps);
});
afterAll(async () => {
  await t?.close();
});

function login(from: string, forwarded: Record<string, string>, password = ADMIN.password) {
  return t.app.inject({
    method: 'POST', url: '/admin/login', remoteAddress: from,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...forwarded },
    payload: new URLSearchParams({ email: ADMIN.email, password }).toString(),
  });
}
const cookieOf = (response: Awaited<ReturnType<typeof login>>) => String(response.headers['set-cookie']);

describe('behind a trusted proxy', () => {
  it('marks the session cookie Secure when the caller reached the proxy over https', async () => {
    const https = await login(PROXY, { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-proto': 'https' });
    expect(https.statusCode).toBe(302);
    expect(cookieOf(https)).toMatch(/ocm_admin=.*; Secure/);
    const plain = await login(PROXY, { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-proto': 'http' });
    expect(plain.statusCode).toBe(302);
    expect(cookieOf(plain)).not.toMatch(/Secure/);
  });

  it('ignores forwarded headers from a caller that is not the proxy', async () => {
    const spoofed = await login('192.0.2.44', { 'x-forwarded-for': '198.51.100.11', 'x-forwarded-proto': 'https' });
    expect(spoofed.statusCode).toBe(302);
    expect(cookieOf(spoofed)).not.toMatch(/Secure/);
  });

  it('throttles the caller guessing passwords, not everyone behind the proxy', async () => {
    const guesser = '198.51.100.66';
    const throttle = createLoginThrottle(t.deps.redis, t.deps.keyPrefix);
    // Use up the guesser's allowance for the address straight in Redis (each HTTP attempt costs a bcrypt comparison).
    for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_ADDRESS; attempt += 1) await throttle.attempt(guesser, `guess-${attempt}@example.com`);
    expect((await login(PROXY, { 'x-forwarded-for': guesser }, 'wrong-password')).statusCode).toBe(429);
    expect((await login('10.9.4.5', { 'x-forwarded-for': guesser })).statusCode).toBe(429);
    expect((await login(PROXY, { 'x-forwarded-for': '198.51.100.67' })).statusCode).toBe(302);
  });
});
