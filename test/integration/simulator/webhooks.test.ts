/**
 * Webhooks as a real receiver gets them: Meta's envelope, the signature checked with an independent
 * HMAC over the raw bytes (escaped non-ASCII included), batching, retries until 200, failed statuses,
 * chaos, inbound messages and account-level events.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/index.js';
import { ACCOUNT, FAST_WEBHOOKS, promoBody, RECIPIENT, sendMessage, startSimulator, WebhookReceiver } from './simulator-kit.js';

let sim: Simulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  sim = await startSimulator({ webhookUrl: receiver.url });
  sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'HIGH', mps: 100_000 } });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(() => {
  sim.reset('traffic');
  receiver.clear();
});

const recipient = (i: number) => `+55119997${String(i).padStart(5, '0')}`;

/** Computed here, independently of the simulator's code, over the exact bytes received. */
function expectValidSignature(raw: Buffer, header: string | string[] | undefined) {
  const expected = `sha256=${createHmac('sha256', ACCOUNT.appSecret).update(raw).digest('hex')}`;
  expect(header).toBe(expected);
}

describe('status webhooks', () => {
  it('posts sent, delivered and read in Meta envelope, signed over the raw bytes', async () => {
    const answer = await sendMessage(sim, promoBody(RECIPIENT, { biz_opaque_callback_data: 'campaign:42;job:1' }));
    const wamid = answer.json.messages[0].id;
    expect(await sim.waitForWebhooks()).toBe(true);

    const statuses = receiver.statuses();
    expect(statuses.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const webhook of receiver.delivered) {
      expectValidSignature(webhook.raw, webhook.headers['x-hub-signature-256']);
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.json.object).toBe('whatsapp_business_account');
      expect(webhook.json.entry[0].id).toBe(ACCOUNT.wabaId);
      expect(webhook.json.entry[0].changes[0]).toMatchObject({
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550200001', phone_number_id: ACCOUNT.phoneNumberId } },
      });
    }
    const sent = statuses.find((s) => s.status === 'sent');
    expect(sent).toEqual({
      id: wamid,
      status: 'sent',
      timestamp: expect.stringMatching(/^\d{10}$/),
      recipient_id: '5511999990001',
      recipient_user_id: expect.stringMatching(/^BR\.\d{19}$/),
      biz_opaque_callback_data: 'campaign:42;job:1',
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    });
    expect(statuses.find((s) => s.status === 'read').pricing).toBeUndefined();
  });

  it('escapes non-ASCII as \\uXXXX and / as \\/, and the signature still verifies', async () => {
    await sendMessage(sim, promoBody(RECIPIENT, { biz_opaque_callback_data: 'José/ação 😀' }));
    sim.sendInboundMessage({ type: 'text', phoneNumberId: ACCOUNT.phoneNumberId, from: RECIPIENT, name: 'José Silva', text: 'Olá, ainda tem?' });
    await sim.waitForWebhooks();
    const raw = Buffer.concat(receiver.delivered.map((w) => w.raw)).toString('latin1');
    expect(raw).toContain('Jos\\u00e9 Silva');
    expect(raw).toContain('Ol\\u00e1, ainda tem?');
    expect(raw).toContain('Jos\\u00e9\\/a\\u00e7\\u00e3o \\ud83d\\ude00');
    expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
    for (const webhook of receiver.delivered) expectValidSignature(webhook.raw, webhook.headers['x-hub-signature-256']);
    // Re-serialising the parsed body gives other bytes: only the raw body verifies.
    const inbound = receiver.delivered.find((w) => w.raw.includes('Jos\\u00e9 Silva'))!;
    const reserialised = Buffer.from(JSON.stringify(inbound.json));
    expect(createHmac('sha256', ACCOUNT.appSecret).update(reserialised).digest('hex')).not.toBe(
      String(inbound.headers['x-hub-signature-256']).slice('sha256='.length),
    );
  });

  it('adds the conversation object in the v23 style', async () => {
    sim.updateWebhookSettings({ statusStyle: 'v23' });
    await sendMessage(sim, promoBody());
    await sim.waitForWebhooks();
    const sent = receiver.statuses().find((s) => s.status === 'sent');
    expect(sent.conversation).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: expect.any(String), origin: { type: 'marketing' } });
    expect(receiver.statuses().find((s) => s.status === 'read').conversation).toBeUndefined();
  });

  it('posts failed with the configured code for chosen recipients', async () => {
    sim.addDeliveryOutcome({ kind: 'fail', code: 131026, recipient: recipient(1) });
    sim.addDeliveryOutcome({ kind: 'fail', code: 131049, recipient: recipient(2), afterSent: true });
    const first = await sendMessage(sim, promoBody(recipient(1)));
    await sendMessage(sim, promoBody(recipient(2)));
    await sendMessage(sim, promoBody(recipient(3)));
    await sim.waitForWebhooks();

    const byRecipient = (digits: string) => receiver.statuses().filter((s) => s.recipient_id === digits);
    expect(byRecipient('5511999700001')).toEqual([
      {
        id: first.json.messages[0].id,
        status: 'failed',
        timestamp: expect.any(String),
        recipient_id: '5511999700001',
        errors: [
          {
            code: 131026,
            title: 'Message undeliverable',
            message: 'Message undeliverable',
            error_data: { details: expect.any(String) },
            href: '/documentation/business-messaging/whatsapp/support/error-codes',
          },
        ],
      },
    ]);
    expect(byRecipient('5511999700002').map((s) => s.status).sort()).toEqual(['failed', 'sent']);
    expect(byRecipient('5511999700003').map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
  });

  it('can stop the chain early for everyone', async () => {
    sim.updateWebhookSettings({ finalStatus: 'delivered' });
    await sendMessage(sim, promoBody());
    await sim.waitForWebhooks();
    expect(receiver.statuses().map((s) => s.status).sort()).toEqual(['delivered', 'sent']);
  });
});

describe('batching and delivery', () => {
  it('batches statuses up to the configured size', async () => {
    sim.updateWebhookSettings({ batchSize: 4, flushIntervalMs: 50, statusIntervalMs: 1, finalStatus: 'sent' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => sendMessage(sim, promoBody(recipient(i)))));
    await sim.waitForWebhooks();
    const sizes = receiver.delivered.map((w) => w.json.entry[0].changes[0].value.statuses.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.some((size) => size > 1)).toBe(true);
  });

  it('retries a POST answered 500 until it gets 200, with the same bytes', async () => {
    sim.updateWebhookSettings({ finalStatus: 'sent' });
    receiver.answers = [500, 503];
    await sendMessage(sim, promoBody());
    expect(await sim.waitForWebhooks()).toBe(true);
    expect(receiver.received.map((w) => w.answered)).toEqual([500, 503, 200]);
    expect(new Set(receiver.received.map((w) => w.raw.toString())).size).toBe(1);
    expect(sim.stats().webhooks).toMatchObject({ postsAttempted: 3, postsFailed: 2, postsSucceeded: 1, updatesDelivered: 1, pending: 0 });
    expect(sim.webhookDeliveries().map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 503], [3, 200]]);
  });

  it('gives up after the last retry', async () => {
    sim.updateWebhookSettings({ finalStatus: 'sent' });
    receiver.answers = [500, 500, 500, 500];
    await sendMessage(sim, promoBody());
    expect(await sim.waitForWebhooks()).toBe(true);
    expect(receiver.received).toHaveLength(1 + FAST_WEBHOOKS.retryDelaysMs!.length);
    expect(sim.stats().webhooks).toMatchObject({ postsAbandoned: 1, updatesAbandoned: 1 });
  });

  it('sends nothing for a WABA no app with a callback is subscribed to', async () => {
    sim.setWebhookTarget({ url: null });
    await sendMessage(sim, promoBody());
    await sim.waitForWebhooks();
    sim.setWebhookTarget({ url: receiver.url });
    expect(receiver.received).toHaveLength(0);
    expect(sim.stats().webhooks.updatesWithoutSubscriber).toBe(3);
  });

  it('duplicates and reorders when told to', async () => {
    // Statuses far enough apart that each goes in its own POST; the copies follow in later ones.
    sim.updateWebhookSettings({ duplicateFraction: 1, reorderFraction: 1, statusIntervalMs: 30 });
    await sendMessage(sim, promoBody());
    await sim.waitForWebhooks();
    const statuses = receiver.statuses();
    expect(statuses).toHaveLength(6);
    // Reordered: read was emitted before sent.
    const order = statuses.map((s) => s.status);
    expect(order.indexOf('read')).toBeLessThan(order.indexOf('sent'));
  });
});

describe('other webhooks', () => {
  it('posts an inbound quick-reply tap with its context', async () => {
    const sent = await sendMessage(sim, promoBody());
    const wamid = sent.json.messages[0].id;
    sim.updateWebhookSettings({ finalStatus: 'none' });
    const { wamid: inboundId } = sim.sendInboundMessage({
      type: 'button',
      phoneNumberId: ACCOUNT.phoneNumberId,
      from: RECIPIENT,
      name: 'Ana',
      payload: 'STOP_PROMO:42',
      text: 'Parar promoções',
      contextId: wamid,
    });
    await sim.waitForWebhooks();
    const [change] = receiver.changes('messages').filter((c) => c.value.messages);
    expect(change.value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550200001', phone_number_id: ACCOUNT.phoneNumberId },
      contacts: [{ profile: { name: 'Ana' }, wa_id: '5511999990001', user_id: expect.stringMatching(/^BR\./) }],
      messages: [
        {
          context: { from: '15550200001', id: wamid },
          from: '5511999990001',
          id: inboundId,
          timestamp: expect.stringMatching(/^\d+$/),
          type: 'button',
          button: { payload: 'STOP_PROMO:42', text: 'Parar promoções' },
        },
      ],
    });
  });

  it('posts phone_number_quality_update in the current and the legacy shape, and applies it', async () => {
    sim.sendQualityUpdate({ phoneNumberId: ACCOUNT.phoneNumberId, event: 'THROUGHPUT_UPGRADE', currentLimit: 'TIER_UNLIMITED' });
    sim.sendQualityUpdate({ phoneNumberId: ACCOUNT.phoneNumberId, event: 'DOWNGRADE', currentLimit: 'TIER_1K', shape: 'legacy', applyToState: false });
    await sim.waitForWebhooks();
    const entries = receiver.delivered.flatMap((w) => w.json.entry);
    expect(entries.every((e: any) => e.id === ACCOUNT.wabaId && typeof e.time === 'number')).toBe(true);
    const values = receiver.changes('phone_number_quality_update').map((c) => c.value);
    expect(values).toEqual([
      { display_phone_number: '15550200001', event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_UNLIMITED', max_daily_conversations_per_business: 'TIER_UNLIMITED' },
      { display_phone_number: '15550200001', event: 'DOWNGRADE', current_limit: 'TIER_1K' },
    ]);
    const phone = sim.snapshot().phoneNumbers.find((p) => p.id === ACCOUNT.phoneNumberId)!;
    expect(phone.throughput).toEqual({ level: 'HIGH', mps: 1000 });
    expect(phone.messagingLimitTier).toBe('TIER_UNLIMITED');
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'HIGH', mps: 100_000 } });
  });

  it('posts message_template_status_update and pauses the template', async () => {
    sim.sendTemplateStatusUpdate({
      wabaId: ACCOUNT.wabaId,
      name: 'promo',
      language: 'en_US',
      event: 'PAUSED',
      otherInfo: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours' },
    });
    await sim.waitForWebhooks();
    const [change] = receiver.changes('message_template_status_update');
    expect(change.value).toEqual({
      event: 'PAUSED',
      message_template_id: expect.any(Number),
      message_template_name: 'promo',
      message_template_language: 'en_US',
      reason: 'NONE',
      message_template_category: 'MARKETING',
      other_info: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours' },
    });
    expect((await sendMessage(sim, promoBody())).json.error.code).toBe(132015);
    sim.sendTemplateStatusUpdate({ wabaId: ACCOUNT.wabaId, name: 'promo', language: 'en_US', event: 'APPROVED' });
    expect((await sendMessage(sim, promoBody())).status).toBe(200);
  });

  it('posts account_update', async () => {
    sim.sendAccountUpdate({
      wabaId: ACCOUNT.wabaId,
      event: 'ACCOUNT_RESTRICTION',
      fields: { restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1760000000 }] },
    });
    await sim.waitForWebhooks();
    expect(receiver.changes('account_update')[0].value).toEqual({
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1760000000 }],
    });
  });

  it('performs the GET verification handshake against the callback', async () => {
    const result = await sim.verifyCallback({ verifyToken: 'my-verify-token' });
    // Our receiver answers 200 with an empty body, so the challenge is not echoed.
    expect(result).toMatchObject({ ok: false, status: 200, body: '' });
  });
});
