/**
 * Webhook URLs at creation: http(s) only, no credentials, and in production no host that is or
 * resolves to a blocked address. DNS is a stub here: nothing is resolved or connected for real.
 */
import { describe, expect, it } from 'vitest';
import { addressPolicyFor, webhookUrlProblem, type Resolver } from '../../../src/modules/events/url-policy.js';

const dns: Record<string, string[]> = {
  localhost: ['127.0.0.1', '::1'],
  'hooks.example.com': ['93.184.216.34'],
  'metadata.internal.example': ['169.254.169.254'],
  'intranet.example': ['10.0.0.7'],
  'mixed.example': ['93.184.216.34', '192.168.0.10'],
  'v6.example': ['2606:4700::6810:85e5'],
  'ula.example': ['fd00::5'],
};
const stubResolver: Resolver = async (hostname) => {
  const found = dns[hostname];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const production = addressPolicyFor({ nodeEnv: 'production', allowPrivateWebhookUrls: false }, stubResolver);
const allowed = addressPolicyFor({ nodeEnv: 'production', allowPrivateWebhookUrls: true }, stubResolver);
const development = addressPolicyFor({ nodeEnv: 'development', allowPrivateWebhookUrls: false }, stubResolver);

describe('webhookUrlProblem', () => {
  it('accepts public http(s) URLs', async () => {
    expect(await webhookUrlProblem('https://hooks.example.com/ocm', production)).toBeNull();
    expect(await webhookUrlProblem('http://hooks.example.com:8080/ocm?x=1', production)).toBeNull();
    expect(await webhookUrlProblem('https://v6.example/ocm', production)).toBeNull();
    expect(await webhookUrlProblem('https://93.184.216.34/ocm', production)).toBeNull();
  });

  it('refuses other schemes and credentials in the URL, everywhere', async () => {
    for (const policy of [production, development]) {
      expect(await webhookUrlProblem('ftp://hooks.example.com/', policy)).toMatch(/http:\/\/ or https:\/\//);
      expect(await webhookUrlProblem('file:///etc/passwd', policy)).toMatch(/http:\/\/ or https:\/\//);
      expect(await webhookUrlProblem('https://user:secret@hooks.example.com/', policy)).toMatch(/user name or password/);
      expect(await webhookUrlProblem('hooks.example.com/ocm', policy)).toBe('is not a URL');
    }
  });

  it.each([
    ['http://127.0.0.1:8080/', 'loopback'], ['http://[::1]/', 'loopback'], ['http://10.1.2.3/', 'private'], ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'], ['http://[::ffff:127.0.0.1]/', 'loopback'], ['http://2130706433/', 'loopback'], ['http://0x7f.1/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'], ['http://100.64.1.1/', 'carrier-grade NAT'],
  ])('in production refuses the literal address in %s (%s)', async (url, kind) => {
    expect(await webhookUrlProblem(url, production)).toContain(kind);
  });

  it.each([
    ['http://localhost:3000/', 'loopback'], ['http://api.localhost/', '.localhost'],
    ['https://metadata.internal.example/', 'link-local'], ['https://intranet.example/', 'private'],
    ['https://mixed.example/', 'private'], ['https://ula.example/', 'unique-local'], ['https://nowhere.example/', 'could not be resolved'],
  ])('in production refuses %s after resolving it (%s)', async (url, kind) => {
    expect(await webhookUrlProblem(url, production)).toContain(kind);
  });

  it('allows private addresses outside production and with ALLOW_PRIVATE_WEBHOOK_URLS=true', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://10.1.2.3/', 'https://intranet.example/', 'http://localhost/']) {
      expect(await webhookUrlProblem(url, development)).toBeNull();
      expect(await webhookUrlProblem(url, allowed)).toBeNull();
    }
  });
});
