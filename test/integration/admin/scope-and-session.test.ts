/**
 * The panel's scope and session: its form and multipart parsers do not leak into the API, every
 * URL under /admin wants a login, sessions live in MongoDB behind a signed, httpOnly, Lax cookie,
 * logins are throttled, cross-site calls are refused, and errors never show internals.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, MAX_ATTEMPTS_PER_EMAIL } from '../../../admin/auth/login-throttle.js';
import { registerAdminErrorHandler } from '../../../admin/http/error-handler.js';
import { buildTestApp, type TestApp } from '../../helpers/build-app.js';
import { createOperator, loginAs, loginForm } from './admin-client.js';
import { ADMIN, seedOperators, seedPanelFixture, type PanelFixture } from './fixtures.js';

let t: TestApp;
let fixture: PanelFixture;

beforeAll(async () => {
  t = await buildTestApp({}, { admin: true });
  await seedOperators(t.deps);
  fixture = await seedPanelFixture(t.deps);
});
afterAll(async () => {
  await t?.close();
});

describe('the admin scope', () => {
  it('keeps its body parsers out of the API: /v1 still answers 415 to form and multipart bodies', async () => {
    const headers = { authorization: `Bearer ${fixture.apiKey}` };
    const form = await t.app.inject({
      method: 'POST', url: '/v1/opt-outs', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'phone=4917012345678',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('unsupported_media_type');
    const multipart = await t.app.inject({
      method: 'POST', url: '/v1/opt-outs',
      headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="phone"\r\n\r\n4917012345678\r\n--x--\r\n',
    });
    expect(multipart.statusCode).toBe(415);
    const api = await t.app.inject({ method: 'GET', url: '/v1/campaigns', headers });
    expect(api.headers['set-cookie']).toBeUndefined();
    expect(api.headers['content-security-policy']).toContain("script-src 'self';");
  });

  it('sends every panel and queue-board URL to the login page without a session', async () => {
    for (const url of ['/admin', '/admin/resources/Campaign', '/admin/api/resources/Credential/actions/list', '/admin/api/dashboard', '/admin/queues', '/admin/queues/api/queues']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(302);
      expect(response.headers.location, url).toBe('/admin/login');
    }
    const login = await t.app.inject({ method: 'GET', url: '/admin/login' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(login.body).not.toMatch(/src="https?:\/\//);
  });

  it('refuses calls another site makes with an operator\'s cookie', async () => {
    const admin = await loginAs(t.app, ADMIN.email, ADMIN.password);
    const forged = await t.app.inject({
      method: 'GET', url: `/admin/api/resources/Campaign/records/${fixture.campaignId}/pause`,
      headers: { cookie: admin.cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
    });
    expect(forged.statusCode).toBe(403);
    const foreignOrigin = await t.app.inject({
      method: 'POST', url: '/admin/login', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a&password=b',
    });
    expect(foreignOrigin.statusCode).toBe(403);
    expect((await t.deps.models.Campaign.findById(fixture.campaignId).lean())!.status).toBe('running');
    // A link from elsewhere to a page still opens it.
    const page = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie: admin.cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
    expect(page.statusCode).toBe(200);
  });

  it('answers errors without internals', async () => {
    const admin = await loginAs(t.app, ADMIN.email, ADMIN.password);
    const api = await admin.get('/admin/api/resources/NoSuchResource/actions/list');
    expect(api.statusCode).toBe(500);
    expect(api.json().error).toMatchObject({ code: 'internal_error', message: expect.stringContaining('request id') });
    expect(api.body).not.toMatch(/Campaign|resources|\/work|node_modules|at \w+ \(/);

    // A page that fails (e.g. a missing bundle file) gets a short HTML page.
    const scope = Fastify({ logger: false });
    registerAdminErrorHandler(scope);
    scope.get('/admin/broken', async () => { throw new Error("ENOENT: no such file or directory, open '/work/main/.adminjs/bundle.js'"); });
    const page = await scope.inject({ method: 'GET', url: '/admin/broken', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(500);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('request id');
    expect(page.body).not.toMatch(/ENOENT|\/work|bundle/);
    await scope.close();
  });
});

describe('operator sessions', () => {
  it('live in MongoDB under a hash of the id, behind a signed, httpOnly, Lax cookie for /admin', async () => {
    const response = await loginForm(t.app, ADMIN.email, ADMIN.password);
    expect(response.statusCode).toBe(302);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^ocm_admin=[^;]+\.[^;]+;/);
    expect(cookie).toContain('Path=/admin');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // plain HTTP here; 'auto' sets it over HTTPS
    const sessionId = decodeURIComponent(cookie.split(';')[0].split('=')[1]).split('.')[0];
    const stored = await t.deps.models.AdminSession.find({}).lean();
    expect(stored.some((session) => (session.data as { adminUser?: { email: string } }).adminUser?.email === ADMIN.email)).toBe(true);
    expect(stored.map((session) => session._id)).not.toContain(sessionId);
    expect(JSON.stringify(stored)).not.toContain('passwordHash');
  });

  it('get a fresh id at login, and end at logout', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/admin/resources/Campaign' });
    const planted = String(anonymous.headers['set-cookie']).split(';')[0];
    const login = await t.app.inject({
      method: 'POST', url: '/admin/login', headers: { cookie: planted, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(ADMIN).toString(),
    });
    expect(login.headers.location).toBe('/admin/resources/Campaign');
    const issued = String(login.headers['set-cookie']).split(';')[0];
    expect(issued).not.toBe(planted);
    expect((await t.app.inject({ method: 'GET', url: '/admin/api/dashboard', headers: { cookie: planted } })).statusCode).toBe(302);
    expect((await t.app.inject({ method: 'GET', url: '/admin/api/dashboard', headers: { cookie: issued } })).statusCode).toBe(200);

    await t.app.inject({ method: 'GET', url: '/admin/logout', headers: { cookie: issued } });
    expect((await t.app.inject({ method: 'GET', url: '/admin/api/dashboard', headers: { cookie: issued } })).statusCode).toBe(302);
  });

  it('refuse an 11th login attempt in 15 minutes from one address for one email, with an error on the login page', async () => {
    const ip = '203.0.113.7';
    const first = await loginForm(t.app, 'someone@example.com', 'guess-1', ip);
    expect(first.statusCode).toBe(200);
    expect(first.body).not.toContain('Too many login attempts');
    // Attempts 2–10 straight into the same counters (each HTTP attempt costs a bcrypt comparison).
    const throttle = createLoginThrottle(t.deps.redis, t.deps.keyPrefix);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS_PER_EMAIL; attempt += 1) expect(await throttle.attempt(ip, 'Someone@example.com ')).toBe(true);
    const blocked = await loginForm(t.app, 'someone@example.com', 'guess-11', ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many login attempts');
    // The right password does not help while blocked, and other addresses are not affected.
    await createOperator(t.deps, 'someone@example.com', 'the-right-password', 'viewer');
    expect((await loginForm(t.app, 'someone@example.com', 'the-right-password', ip)).statusCode).toBe(429);
    expect((await loginForm(t.app, 'someone@example.com', 'the-right-password', '203.0.113.8')).statusCode).toBe(302);
  });
});
