import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const key = () => randomBytes(32).toString('base64');

const production = {
  NODE_ENV: 'production',
  MONGO_URL: 'mongodb://db:27017/ocm',
  REDIS_URL: 'redis://cache:6379',
  CREDENTIALS_KEYS: `k1:${key()}`,
  SESSION_SECRET: 'x'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({
      port: 3000, host: '0.0.0.0', graphApiBaseUrl: 'https://graph.facebook.com', logLevel: 'info',
      allowPrivateWebhookUrls: false, trustProxy: false, workerPort: undefined, publicBaseUrl: 'http://localhost:3000',
    });
    expect(config.graphApiVersion).toMatch(/^v\d+\.0$/);
  });

  it('is frozen', () => {
    const config = loadConfig(production);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => { (config as { port: number }).port = 1; }).toThrow();
  });

  it('accepts a complete production environment without generating anything', () => {
    const config = loadConfig(production);
    expect(config.generatedSecrets).toEqual([]);
    expect(config.credentialsKeys.map((entry) => entry.id)).toEqual(['k1']);
  });

  it('reports every bad variable at once, one line each, naming it and why', () => {
    const lines = problems({ ...production, MONGO_URL: 'not a url', SESSION_SECRET: 'short', PORT: '99999' });
    expect(lines).toHaveLength(3);
    expect(lines.find((line) => line.startsWith('MONGO_URL:'))).toMatch(/must be a URL like mongodb:\/\//);
    expect(lines.find((line) => line.startsWith('SESSION_SECRET:'))).toMatch(/at least 32 characters/);
    expect(lines.find((line) => line.startsWith('PORT:'))).toMatch(/between 1 and 65535/);
  });

  it('requires every secret and connection under production', () => {
    const lines = problems({ NODE_ENV: 'production' });
    expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(
      ['CREDENTIALS_KEYS', 'MONGO_URL', 'REDIS_URL', 'SESSION_SECRET'],
    );
  });

  it('generates throwaway secrets outside production and says which', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect([...config.generatedSecrets].sort()).toEqual(['CREDENTIALS_KEYS', 'SESSION_SECRET']);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.credentialsKeys[0].key).toHaveLength(32);
  });

  it('parses a key ring: the first key encrypts, all decrypt', () => {
    const config = loadConfig({ ...production, CREDENTIALS_KEYS: `new:${key()}, old:${key()}` });
    expect(config.credentialsKeys.map((entry) => entry.id)).toEqual(['new', 'old']);
  });

  it.each([
    ['missing id', `:${randomBytes(32).toString('base64')}`, /"<id>:<base64 key>"/],
    ['short key', `k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    ['duplicate id', `k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, /appears twice/],
  ])('rejects a key ring with a %s', (_case, value, message) => {
    const [line] = problems({ ...production, CREDENTIALS_KEYS: value });
    expect(line).toMatch(/^CREDENTIALS_KEYS: /);
    expect(line).toMatch(message);
  });

  it('parses booleans, ports and URLs strictly', () => {
    expect(loadConfig({ ...production, ALLOW_PRIVATE_WEBHOOK_URLS: 'true', WORKER_PORT: '9100' }))
      .toMatchObject({ allowPrivateWebhookUrls: true, workerPort: 9100 });
    expect(problems({ ...production, ALLOW_PRIVATE_WEBHOOK_URLS: 'yes' })[0]).toMatch(/^ALLOW_PRIVATE_WEBHOOK_URLS: must be true or false/);
    expect(problems({ ...production, REDIS_URL: 'http://cache' })[0]).toMatch(/^REDIS_URL: must be a URL like redis:/);
    expect(problems({ ...production, GRAPH_API_VERSION: '25' })[0]).toMatch(/^GRAPH_API_VERSION: must look like v25.0/);
    expect(problems({ ...production, LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: /);
  });

  it('parses which proxies to trust: all, the nearest N, or their addresses', () => {
    expect(loadConfig({ ...production, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...production, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1']) {
      expect(problems({ ...production, TRUST_PROXY: bad })[0]).toMatch(/^TRUST_PROXY: ".+" is not an IP address or CIDR range; use true, the number of proxies/);
    }
  });

  it('wants the admin email and password together', () => {
    expect(problems({ ...production, ADMIN_EMAIL: 'ops@example.com' })).toEqual(['ADMIN_PASSWORD: is required when ADMIN_EMAIL is set']);
    expect(problems({ ...production, ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long enough' })[0]).toMatch(/^ADMIN_EMAIL: /);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ NODE_ENV: 'development', PORT: '', WORKER_PORT: '' })).toMatchObject({ port: 3000, workerPort: undefined });
  });
});
