/**
 * Account-level webhooks from the simulator: number quality and limits, template status, account
 * restrictions, and fields we do not act on — each updates the credential, catalogue or campaigns
 * once, and never answers Meta with an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';
import { accountEnvelope, metaBytes } from '../../fixtures/meta/index.js';
import { postSigned, settled } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString();
const PARAMS = [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '10%' }] }];

async function scheduled(template: 'welcome_offer' | 'order_update') {
  const components = template === 'welcome_offer' ? PARAMS : [
    { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Ana' }, { type: 'text', parameter_name: 'order_id', text: 'A-1' }] },
    { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
  ];
  const created = await world.api('POST', '/v1/campaigns', {
    name: `${template} later`, credentialId, scheduledAt: tomorrow(),
    template: { name: template, language: 'en_US', components }, recipients: [{ to: '+5511966660001' }],
  });
  expect(created.statusCode).toBe(202);
  expect(created.json().status).toBe('scheduled');
  return created.json().id as string;
}
const campaign = async (id: string) => (await world.api('GET', `/v1/campaigns/${id}`)).json();
const credential = async () => (await world.api('GET', `/v1/credentials/${credentialId}`)).json();
const lastEvent = (field: string) => world.deps.models.WebhookEvent.findOne({ fields: field }).sort({ _id: -1 }).lean();

describe('phone_number_quality_update', () => {
  it('THROUGHPUT_UPGRADE (current shape): tier and throughput level updated on the credential', async () => {
    world.sim.sendQualityUpdate({ phoneNumberId: world.seed.phoneNumberId, event: 'THROUGHPUT_UPGRADE', currentLimit: 'TIER_UNLIMITED' });
    await settled(world);
    expect((await credential()).phone).toMatchObject({ messagingLimitTier: 'TIER_UNLIMITED', throughput: { level: 'HIGH', messagesPerSecond: 1000 } });
  });

  it('DOWNGRADE (legacy shape, only current_limit): tier lowered, marketing campaigns paused with a reason, utility ones not', async () => {
    const marketing = await scheduled('welcome_offer');
    const utility = await scheduled('order_update');
    world.sim.sendQualityUpdate({ phoneNumberId: world.seed.phoneNumberId, event: 'DOWNGRADE', currentLimit: 'TIER_1K', shape: 'legacy' });
    await settled(world);
    expect((await credential()).phone.messagingLimitTier).toBe('TIER_1K');
    const paused = await campaign(marketing);
    expect(paused.status).toBe('paused');
    expect(paused.pausedReason).toMatch(/lowered the messaging limit of \+15550100001 to TIER_1K.*resume/);
    expect((await campaign(utility)).status).toBe('scheduled');
    await world.api('POST', `/v1/campaigns/${marketing}/cancel`);
    await world.api('POST', `/v1/campaigns/${utility}/cancel`);
  });

  it('an older event arriving late does not set the tier back', async () => {
    const old = metaBytes(accountEnvelope(world.seed.wabaId, 'phone_number_quality_update',
      { display_phone_number: '15550100001', event: 'UPGRADE', current_limit: 'TIER_100K' }, 1_600_000_000));
    expect(await postSigned(world, old)).toBe(200);
    await settled(world);
    expect((await credential()).phone.messagingLimitTier).toBe('TIER_1K');
    expect(await lastEvent('phone_number_quality_update')).toMatchObject({ status: 'processed', summary: { applied: 0, unchanged: 1 } });
  });
});

describe('message_template_status_update', () => {
  it('PAUSED pauses the campaigns using the template (reason names it); REINSTATED lets them be resumed, not auto-resumed', async () => {
    const id = await scheduled('welcome_offer');
    world.sim.sendTemplateStatusUpdate({
      wabaId: world.seed.wabaId, name: 'welcome_offer', language: 'en_US', event: 'PAUSED',
      otherInfo: { title: 'FIRST_PAUSE', description: 'Your template was paused for 3 hours because of low quality.' },
    });
    await settled(world);
    const template = await world.deps.models.Template.findOne({ credentialId, name: 'welcome_offer', language: 'en_US' }).lean();
    expect(template).toMatchObject({ status: 'PAUSED', metaId: expect.stringMatching(/^\d+$/) });
    const paused = await campaign(id);
    expect(paused.status).toBe('paused');
    expect(paused.pausedReason).toMatch(/template "welcome_offer" \(en_US\) to PAUSED: FIRST_PAUSE/);

    world.sim.sendTemplateStatusUpdate({ wabaId: world.seed.wabaId, name: 'welcome_offer', language: 'en_US', event: 'REINSTATED' });
    await settled(world);
    expect((await world.deps.models.Template.findOne({ credentialId, name: 'welcome_offer', language: 'en_US' }).lean())!.status).toBe('APPROVED');
    const reinstated = await campaign(id);
    expect(reinstated.status).toBe('paused');
    expect(reinstated.pausedReason).toMatch(/approved template "welcome_offer" \(en_US\) again \(REINSTATED\); the campaign can be resumed/);
    expect((await world.api('POST', `/v1/campaigns/${id}/resume`)).json().status).toBe('scheduled');
    await world.api('POST', `/v1/campaigns/${id}/cancel`);
  });
});

describe('fields and events we do not act on', () => {
  it('are stored and marked unhandled, and answered 200', async () => {
    world.sim.sendRawWebhook({ wabaId: world.seed.wabaId, field: 'business_capability_update', value: { max_daily_conversation_per_phone: 1000 } });
    world.sim.sendAccountUpdate({ wabaId: world.seed.wabaId, event: 'PARTNER_ADDED' });
    await settled(world);
    // The simulator batches both into one delivery, as Meta may.
    const event = await lastEvent('business_capability_update');
    expect(event).toMatchObject({ status: 'unhandled', signatureVerified: true, fields: expect.arrayContaining(['account_update']), summary: { unhandled: 2, applied: 0 } });
    const deliveries = world.sim.webhookDeliveries();
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
  });
});

describe('account_update', () => {
  it('ACCOUNT_RESTRICTION: the credential goes to error with a sentence to act on; its campaigns pause', async () => {
    const id = await scheduled('order_update');
    world.sim.sendAccountUpdate({
      wabaId: world.seed.wabaId, event: 'ACCOUNT_RESTRICTION',
      fields: { restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1_900_000_000 }] },
    });
    await settled(world);
    const after = await credential();
    expect(after.status).toBe('error');
    expect(after.lastError).toMatch(/Meta restricted WhatsApp Business Account 100000000000001 \(RESTRICTED_BIZ_INITIATED_MESSAGING until 2030-.*\)\. Resolve it in WhatsApp Manager/);
    const paused = await campaign(id);
    expect(paused.status).toBe('paused');
    expect(paused.pausedReason).toMatch(/is in error: Meta restricted/);
  });
});
