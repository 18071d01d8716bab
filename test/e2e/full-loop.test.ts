/**
 * The whole loop through real processes (issue 9): a client registered by the CLI, a credential
 * verified by the worker, a 10,000-recipient campaign and single messages sent through the
 * simulator, Meta's signed status webhooks delivered back to the API, the client told by its own
 * signed event — and at the end every message final, the counts exact, each recipient sent to
 * once, and nothing left in the queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_IDS } from '../../src/simulator/sandbox.js';
import { verifySignature } from '../../src/modules/events/signature.js';
import { printTailsOnFailure, startStack, type Stack } from '../helpers/stack.js';
import { startReceiver, type Receiver } from '../integration/events/receiver.js';

const CAMPAIGN_SIZE = 10_000;
const SINGLES = 20;
const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] }] };

let stack: Stack;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack({ env: { ALLOW_PRIVATE_WEBHOOK_URLS: 'true' } });
  // A number on Meta's high throughput level with an unlimited messaging tier.
  await stack.sim.admin('PATCH', `/phone-numbers/${SANDBOX_IDS.phoneNumberId}`, { throughput: { level: 'HIGH' }, messagingLimitTier: 'TIER_UNLIMITED' });
}, 120_000);

printTailsOnFailure(() => stack);

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

describe('the whole loop, process by process', () => {
  it(`sends a ${CAMPAIGN_SIZE.toLocaleString('en')}-recipient campaign and single messages; every message ends read, counted once`, async () => {
    const credentialId = await stack.connectCredential({ messagesPerSecond: 500 });
    const endpoint = await stack.api('POST', '/v1/webhook-endpoints', { url: receiver.url, events: ['campaign.status'] });
    expect(endpoint.status).toBe(201);

    const recipients = Array.from({ length: CAMPAIGN_SIZE }, (_, n) => ({ to: `+44 7700 ${String(100000 + n)}`, ref: `r${n}` }));
    const created = await stack.api('POST', '/v1/campaigns', { name: 'the whole loop', credentialId, template, recipients });
    expect(created.status).toBe(202);
    expect(created.body.rejected).toEqual([]);
    expect(created.body.counts.total).toBe(CAMPAIGN_SIZE);

    const singles: string[] = [];
    for (let n = 0; n < SINGLES; n++) {
      const single = await stack.api('POST', '/v1/messages', { credentialId, to: `+1 415 555 ${String(1000 + n)}`, template });
      expect(single.status).toBe(202);
      singles.push(single.body.id);
    }

    const campaign = await stack.waitFor(async () => {
      const current = (await stack.api('GET', `/v1/campaigns/${created.body.id}`)).body;
      // Cost is written beside the counts (not in the same batch): both settle within moments.
      return current.counts.read === CAMPAIGN_SIZE && current.cost.billable === CAMPAIGN_SIZE && current;
    }, 'every campaign message to be read and priced', 240_000);
    expect(campaign.status).toBe('completed');
    expect(campaign.completedAt).toEqual(expect.any(String));
    expect(campaign.counts).toEqual({ total: CAMPAIGN_SIZE, queued: 0, sending: 0, accepted: 0, sent: 0, delivered: 0, read: CAMPAIGN_SIZE, failed: 0, skipped: 0, cancelled: 0 });
    expect(campaign.cost).toEqual({ billable: CAMPAIGN_SIZE, byCategory: { marketing: CAMPAIGN_SIZE, utility: 0, authentication: 0, service: 0 } });

    for (const id of singles) {
      const message = await stack.waitFor(async () => {
        const current = (await stack.api('GET', `/v1/messages/${id}`)).body;
        return current.status === 'read' && current;
      }, `single message ${id} to be read`);
      expect(message.wamid).toMatch(/^wamid\./);
      expect(message.statusHistory.map((entry: { status: string }) => entry.status)).toEqual(expect.arrayContaining(['sending', 'accepted', 'sent', 'delivered', 'read']));
    }

    // Meta's side: each recipient got exactly one accepted send.
    const accepted = await stack.sim.admin<Array<{ recipient: string }>>('GET', `/requests?phoneNumberId=${SANDBOX_IDS.phoneNumberId}&outcome=accepted`);
    expect(accepted.length).toBe(CAMPAIGN_SIZE + SINGLES);
    expect(new Set(accepted.map((request) => request.recipient)).size).toBe(CAMPAIGN_SIZE + SINGLES);

    // Ours: every message final in MongoDB, every stored webhook processed, nothing left in Redis.
    expect(await stack.db.collection('messages').countDocuments({ status: { $ne: 'read' } })).toBe(0);
    await stack.waitFor(async () => (await stack.jobsLeft()) === 0, 'the queues to drain');
    await stack.waitFor(async () => (await stack.db.collection('webhookevents').countDocuments({ status: 'pending' })) === 0, 'every webhook to be processed');

    // The client was told, with a signature it can check.
    const completedEvent = await stack.waitFor(async () => receiver.received.find((request) => JSON.parse(request.body).data?.status === 'completed'), 'the campaign.status event');
    expect(verifySignature(endpoint.body.secret, completedEvent.body, String(completedEvent.headers['ocm-signature']))).toBe(true);
    expect(JSON.parse(completedEvent.body).data).toMatchObject({ campaignId: created.body.id, status: 'completed' });
  }, 300_000);
});
