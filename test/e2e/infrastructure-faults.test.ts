/**
 * Faults in what the engine stands on, through real processes (issue 9): Redis restarted empty,
 * MongoDB away for 10 seconds, a worker stopped with SIGTERM and one killed with SIGKILL, each
 * mid-campaign. Each ends with every message read, none lost, none sent twice that Meta accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printTailsOnFailure, startStack, type Stack } from '../helpers/stack.js';
import { expectSentExactlyOnce, progressed, sendCampaign, template } from './campaign-checks.js';

let stack: Stack;
let credentialId: string;

beforeAll(async () => {
  stack = await startStack();
  credentialId = await stack.connectCredential({ messagesPerSecond: 40 });
}, 120_000);

printTailsOnFailure(() => stack);

afterAll(async () => {
  await stack?.close();
});

describe('infrastructure faults mid-campaign', () => {
  it('Redis restarted empty: the worker notices, rebuilds what was lost, and finishes', async () => {
    const campaign = await sendCampaign(stack, credentialId, 300);
    await progressed(stack, campaign.id, 60);
    await stack.restartRedisEmpty();
    await stack.worker.waitFor(/Redis lost its data/, 20_000);
    await expectSentExactlyOnce(stack, campaign);
  }, 120_000);

  it('MongoDB unavailable for 10 seconds: the API answers 503 in the error shape, and the campaign finishes after', async () => {
    const campaign = await sendCampaign(stack, credentialId, 300);
    await progressed(stack, campaign.id, 60);
    await stack.mongoRelay.interrupt();
    const outageEnds = Date.now() + 10_000;
    try {
      const ready = await stack.api('GET', '/health/ready');
      expect(ready.status).toBe(503);
      const refused = await stack.api('POST', '/v1/messages', { credentialId, to: '+14155550999', template });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ error: { code: 'service_unavailable', message: expect.stringMatching(/retry/) } });
      await new Promise((resolve) => setTimeout(resolve, outageEnds - Date.now()));
    } finally {
      await stack.mongoRelay.restore();
    }
    await stack.waitFor(async () => (await stack.api('GET', '/health/ready')).status === 200, 'readiness after the outage');
    await expectSentExactlyOnce(stack, campaign);
  }, 150_000);

  it('SIGTERM: the worker finishes what it started and exits 0; nothing is left half-sent', async () => {
    const campaign = await sendCampaign(stack, credentialId, 300);
    await progressed(stack, campaign.id, 60);
    const { code } = await stack.worker.stop('SIGTERM');
    expect(code).toBe(0);
    expect(stack.worker.output()).toContain('worker stopped');
    expect(await stack.db.collection('messages').countDocuments({ status: 'sending' })).toBe(0);
    await stack.startWorker();
    await expectSentExactlyOnce(stack, campaign);
  }, 120_000);

  it('SIGKILL: a worker killed mid-send and started again loses nothing and sends nothing twice', async () => {
    const campaign = await sendCampaign(stack, credentialId, 300);
    await progressed(stack, campaign.id, 60);
    await stack.worker.stop('SIGKILL');
    await stack.startWorker();
    await expectSentExactlyOnce(stack, campaign);
  }, 120_000);
});
