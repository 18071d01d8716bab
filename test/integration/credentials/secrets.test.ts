import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../../src/lib/keyring.js';
import { reencryptCredentials } from '../../../src/modules/credentials/reencrypt.js';
import { createCredentialsService } from '../../../src/modules/credentials/credentials.service.js';
import { QUEUE_NAMES } from '../../../src/queues/names.js';
import { createWorld, type World } from '../../helpers/world.js';

let world: World;
let credentialId: string;
const appSecret = randomBytes(16).toString('hex');

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential({ appSecret: world.seed.appSecret });
  await world.api('PATCH', `/v1/credentials/${credentialId}`, { appSecret });
  // Make the secret land in as many places as it could: a failing verify, lists, errors.
  await world.api('POST', `/v1/credentials/${credentialId}/verify`);
  await world.api('GET', '/v1/credentials');
  await world.api('POST', '/v1/credentials', { wabaId: world.seed.wabaId, phoneNumberId: world.seed.phoneNumberId, accessToken: world.seed.accessToken });
});
afterAll(async () => {
  await world?.close();
});

describe('secrets stay secret (invariant 6)', () => {
  it('never appear in API responses', async () => {
    const responses = await Promise.all([
      world.api('GET', `/v1/credentials/${credentialId}`),
      world.api('GET', '/v1/credentials'),
      world.api('POST', `/v1/credentials/${credentialId}/verify`),
      world.api('PATCH', `/v1/credentials/${credentialId}`, { name: 'x' }),
    ]);
    for (const response of responses) {
      expect(response.body).not.toContain(world.seed.accessToken);
      expect(response.body).not.toContain(appSecret);
      expect(response.body).not.toMatch(/accessToken|appSecret"/);
    }
    expect(responses[0].json().hasAppSecret).toBe(true);
  });

  it('never appear in log lines', () => {
    const logs = world.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(world.seed.accessToken);
    expect(logs).not.toContain(appSecret);
  });

  it('never appear in job payloads in Redis', async () => {
    for (const name of QUEUE_NAMES) {
      const jobs = await world.deps.queues[name].getJobs(['waiting', 'delayed', 'completed', 'failed', 'active', 'prioritized']);
      const dump = JSON.stringify(jobs.map((job) => job.data));
      expect(dump).not.toContain(world.seed.accessToken);
      expect(dump).not.toContain(appSecret);
    }
  });

  it('are stored encrypted (AES-256-GCM with the key id), not in plain text', async () => {
    const raw = await world.deps.mongo.db!.collection('credentials').findOne({ phoneNumberId: world.seed.phoneNumberId });
    const text = JSON.stringify(raw);
    expect(text).not.toContain(world.seed.accessToken);
    expect(text).not.toContain(appSecret);
    expect(raw!.accessToken).toEqual({ keyId: 'k1', iv: expect.any(String), tag: expect.any(String), data: expect.any(String) });
  });

  it('detect tampering', async () => {
    const raw = await world.deps.mongo.db!.collection('credentials').findOne({ phoneNumberId: world.seed.phoneNumberId });
    const ring = createKeyRing(world.deps.config.credentialsKeys);
    const data = Buffer.from(raw!.accessToken.data, 'base64');
    data[0] ^= 1;
    expect(() => ring.open({ ...raw!.accessToken, data: data.toString('base64') })).toThrow(/integrity check/);
    expect(() => ring.open({ ...raw!.accessToken, keyId: 'other' })).toThrow(/no key "other"/);
  });

  it('rotate to a new key: re-encrypt, retire the old key, still decrypt', async () => {
    const endpoint = (await world.api('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/events' })).json();
    expect(endpoint.secret).toEqual(expect.any(String));
    const newKey = { id: 'k2', key: randomBytes(32) };
    const both = createKeyRing([newKey, ...world.deps.config.credentialsKeys]);
    const report = await reencryptCredentials({ models: world.deps.models, keyRing: both, log: world.deps.log });
    expect(report).toMatchObject({ reencrypted: expect.any(Number), primaryKeyId: 'k2' });
    expect(report.reencrypted).toBeGreaterThanOrEqual(1);

    const onlyNew = createKeyRing([newKey]);
    const service = createCredentialsService({ ...world.deps, keyRing: onlyNew });
    const loaded = await service.loadAuth(credentialId);
    expect(loaded!.auth.accessToken).toBe(world.seed.accessToken);
    expect(loaded!.auth.appSecret).toBe(appSecret);
    const stored = await world.deps.models.WebhookEndpoint.findById(endpoint.id).select('+secret').lean();
    expect(onlyNew.open(stored!.secret as never)).toBe(endpoint.secret);
    const again = await reencryptCredentials({ models: world.deps.models, keyRing: both, log: world.deps.log });
    expect(again.reencrypted).toBe(0);
  });
});

describe('a wrong CREDENTIALS_KEYS at start-up', () => {
  it('refuses to start when stored secrets were sealed with a key the ring lacks', async () => {
    const { createDeps } = await import('../../../src/deps.js');
    const { loadConfig } = await import('../../../src/config.js');
    const config = loadConfig({
      NODE_ENV: 'test', MONGO_URL: world.deps.config.mongoUrl!, REDIS_URL: world.deps.config.redisUrl!,
      CREDENTIALS_KEYS: `unrelated:${randomBytes(32).toString('base64')}`, SESSION_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent',
    });
    await expect(createDeps(config, { log: world.deps.log, role: 'api', dbName: world.deps.mongo.name, keyPrefix: world.deps.keyPrefix }))
      .rejects.toThrow(/CREDENTIALS_KEYS has no key "(k1|k2)".*re-encrypt before removing it/);
  });
});
