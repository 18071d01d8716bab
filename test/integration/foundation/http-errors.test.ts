import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../../src/app.js';
import { AppError } from '../../../src/errors.js';
import { createTestDeps, type TestDeps } from '../../helpers/build-app.js';

let testDeps: TestDeps;
let app: FastifyInstance;

beforeAll(async () => {
  testDeps = await createTestDeps();
  app = await buildApp(testDeps.deps, { admin: false });
  // A route shaped like every /v1 route: strict zod body, typed query.
  app.withTypeProvider<ZodTypeProvider>().post('/probe', {
    schema: {
      body: z.strictObject({ name: z.string().min(1), nested: z.strictObject({ count: z.number().int() }).optional() }),
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional() }),
    },
  }, async (request) => ({ ok: true, name: request.body.name }));
  app.get('/boom', async () => { throw new Error('secret internal detail at /srv/app.ts:42'); });
  app.get('/conflict', async () => { throw new AppError('conflict', 'That already exists.'); });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await testDeps?.close();
});

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  const message = (body as { error: { message: string } }).error.message;
  expect(message).toMatch(/^[A-Z].*\.$/);
  expect(message).not.toMatch(/at .*\.ts:\d+|FST_ERR|stack/);
}

describe('the error shape holds for every error', () => {
  it('accepts a valid request', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe', payload: { name: 'x' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, name: 'x' });
  });

  it('400 with one detail per field, unknown fields named', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe', payload: { name: '', nested: { count: 1.5 }, extra: 1 } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 'validation_error');
    const fields = body.error.details.map((detail: { field: string }) => detail.field).sort();
    expect(fields).toEqual(['extra', 'name', 'nested.count']);
    expect(body.error.details.every((detail: { in: string }) => detail.in === 'body')).toBe(true);
  });

  it('400 for a bad query parameter, located in the query', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe?limit=9000', payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ field: 'limit', in: 'query' });
  });

  it('400 invalid_json for malformed JSON', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'invalid_json');
  });

  it('400 for a prototype-poisoning body', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe', headers: { 'content-type': 'application/json' }, payload: '{"name":"x","__proto__":{"admin":true}}' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'invalid_json');
  });

  it('415 for other content types, including text/plain', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await app.inject({ method: 'POST', url: '/probe', headers: { 'content-type': type }, payload: 'name=x' });
      expect(response.statusCode, type).toBe(415);
      expectErrorShape(response.json(), 'unsupported_media_type');
    }
  });

  it('413 beyond the 1 MiB body limit', async () => {
    const response = await app.inject({ method: 'POST', url: '/probe', payload: { name: 'x'.repeat(1024 * 1024 + 10) } });
    expect(response.statusCode).toBe(413);
    expectErrorShape(response.json(), 'payload_too_large');
  });

  it('404 for an unknown route', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expectErrorShape(response.json(), 'not_found');
  });

  it('400 for malformed URL encoding', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response.json(), 'bad_request');
  });

  it('409 from an AppError', async () => {
    const response = await app.inject({ method: 'GET', url: '/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: { code: 'conflict', message: 'That already exists.', details: [] } });
  });

  it('500 masked, logged with the request id, never leaking the cause', async () => {
    const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-boom-1' } });
    expect(response.statusCode).toBe(500);
    expectErrorShape(response.json(), 'internal_error');
    expect(response.body).not.toContain('secret internal detail');
    expect(response.json().error.message).toContain('req-boom-1');
    expect(response.headers['x-request-id']).toBe('req-boom-1');
    const logged = testDeps.logs.map((line) => JSON.parse(line)).find((entry) => entry.reqId === 'req-boom-1' && entry.level >= 50);
    expect(logged?.err?.message).toContain('secret internal detail');
  });

  it('redacts the Authorization header from logs', async () => {
    await app.inject({ method: 'GET', url: '/conflict', headers: { authorization: 'Bearer ocm_live_supersecret' } });
    expect(testDeps.logs.join('\n')).not.toContain('ocm_live_supersecret');
  });

  it('sets security headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBeDefined();
  });
});

describe('operations endpoints', () => {
  it('live and ready answer 200 when everything is up', async () => {
    expect((await app.inject('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { mongodb: 'up', redis: 'up' } });
  });

  it('serves Prometheus metrics with process and HTTP figures', async () => {
    await app.inject('/health/live');
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('process_cpu_user_seconds_total');
    expect(response.body).toMatch(/ocm_http_request_duration_seconds_count\{[^}]*route="\/health\/live"/);
  });

  it('serves an OpenAPI document and its UI', async () => {
    const document = await app.inject('/docs/json');
    expect(document.statusCode).toBe(200);
    expect(document.json()).toMatchObject({ openapi: '3.0.3', info: { title: expect.any(String) } });
    const ui = await app.inject('/docs/');
    expect([200, 302]).toContain(ui.statusCode);
  });
});
