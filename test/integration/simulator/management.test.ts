/**
 * Management reads a credential check makes: the phone number node with `fields`, message
 * templates with cursor paging, subscribed apps, debug_token, and the usage headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/index.js';
import { ACCOUNT, graph, startSimulator } from './simulator-kit.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.updatePhoneNumber(ACCOUNT.phoneNumberId, {
    qualityRating: 'YELLOW',
    messagingLimitTier: 'TIER_2K',
    health: { canSendMessage: 'LIMITED', errors: [{ errorCode: 141006, errorDescription: 'Payment method issue' }] },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('GET /{phone-number-id}', () => {
  it('returns only the fields asked for, plus id', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}?fields=quality_rating,throughput`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ quality_rating: 'YELLOW', throughput: { level: 'STANDARD' }, id: ACCOUNT.phoneNumberId });
  });

  it('returns the default fields without `fields`', async () => {
    const answer = await graph(sim, 'GET', `/v24.0/${ACCOUNT.phoneNumberId}`);
    expect(answer.json).toEqual({
      id: ACCOUNT.phoneNumberId,
      display_phone_number: ACCOUNT.displayPhoneNumber,
      verified_name: 'Test Store',
      quality_rating: 'YELLOW',
    });
  });

  it('answers both the old and the new messaging limit field, and the rest a credential check reads', async () => {
    const fields = [
      'id', 'display_phone_number', 'verified_name', 'quality_rating', 'code_verification_status', 'name_status',
      'platform_type', 'throughput', 'status', 'messaging_limit_tier', 'whatsapp_business_manager_messaging_limit', 'health_status',
    ].join(',');
    const answer = await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}?fields=${fields}`);
    expect(answer.json).toMatchObject({
      code_verification_status: 'VERIFIED',
      name_status: 'APPROVED',
      platform_type: 'CLOUD_API',
      status: 'CONNECTED',
      messaging_limit_tier: 'TIER_1K',
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
    });
    expect(answer.json.health_status.can_send_message).toBe('LIMITED');
    expect(answer.json.health_status.entities[0]).toEqual({
      entity_type: 'PHONE_NUMBER',
      id: ACCOUNT.phoneNumberId,
      can_send_message: 'LIMITED',
      errors: [{ error_code: 141006, error_description: 'Payment method issue' }],
    });
  });

  it('accepts sub-selections and refuses unknown fields with code 100', async () => {
    expect((await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}?fields=throughput{level}`)).json.throughput).toEqual({ level: 'STANDARD' });
    const unknown = await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}?fields=favourite_colour`);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe(100);
    expect(unknown.json.error.message).toContain('favourite_colour');
  });

  it('answers 100/33 for a number the token cannot see and 190 for a bad token', async () => {
    const foreign = await graph(sim, 'GET', `/v23.0/${ACCOUNT.otherPhoneNumberId}?fields=id`);
    expect(foreign.json.error).toMatchObject({ code: 100, error_subcode: 33 });
    const bad = await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}`, { token: 'EAAnopeNopeNope' });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe(190);
  });

  it('carries X-Business-Use-Case-Usage for the WABA', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}`);
    const usage = JSON.parse(String(answer.headers['x-business-use-case-usage']));
    expect(usage[ACCOUNT.wabaId][0]).toMatchObject({ type: 'whatsapp_business_management', estimated_time_to_regain_access: 0 });
  });
});

describe('GET /{waba-id}/message_templates', () => {
  it('pages with cursors and gives paging.next only while more remain', async () => {
    const seen: any[] = [];
    let next: string | undefined = `/v23.0/${ACCOUNT.wabaId}/message_templates?limit=4`;
    let pages = 0;
    while (next) {
      const answer = await graph(sim, 'GET', next.replace(sim.url, ''));
      expect(answer.status).toBe(200);
      seen.push(...answer.json.data);
      if (answer.json.data.length) expect(answer.json.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
      next = answer.json.paging?.next;
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((t) => `${t.name}/${t.language}`)).size).toBe(6);
  });

  it('describes each template in Meta shape', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/${ACCOUNT.wabaId}/message_templates?name=order_update`);
    expect(answer.json.data).toEqual([
      {
        name: 'order_update',
        parameter_format: 'NAMED',
        components: [
          { type: 'BODY', text: 'Olá {{name}}, pedido {{order}}' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://x.test/t/{{1}}' }] },
        ],
        language: 'pt_BR',
        status: 'APPROVED',
        category: 'UTILITY',
        id: expect.stringMatching(/^\d+$/),
      },
    ]);
    expect(answer.json.paging.next).toBeUndefined();
  });

  it('filters by status', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/${ACCOUNT.wabaId}/message_templates?status=PAUSED&fields=name,status`);
    expect(answer.json.data).toEqual([{ name: 'paused_one', status: 'PAUSED', id: expect.any(String) }]);
  });
});

describe('GET /{waba-id}/subscribed_apps', () => {
  it('lists the subscribed app, and nothing once unsubscribed', async () => {
    const subscribed = await graph(sim, 'GET', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`);
    expect(subscribed.json).toEqual({
      data: [{ whatsapp_business_api_data: { id: sim.defaultAppId, link: expect.any(String), name: expect.any(String) } }],
    });
    expect((await graph(sim, 'DELETE', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`)).json).toEqual({ success: true });
    expect((await graph(sim, 'GET', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`)).json).toEqual({ data: [] });
    expect((await graph(sim, 'POST', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`)).json).toEqual({ success: true });
    expect((await graph(sim, 'GET', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`)).json.data).toHaveLength(1);
  });
});

describe('GET /debug_token', () => {
  const appToken = () => `${sim.defaultAppId}|${ACCOUNT.appSecret}`;

  it('describes a valid system-user token with its granular scopes', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/debug_token?input_token=${ACCOUNT.token}&access_token=${appToken()}`, { token: null });
    expect(answer.json.data).toMatchObject({
      app_id: sim.defaultAppId,
      type: 'SYSTEM_USER',
      is_valid: true,
      expires_at: 0,
      scopes: expect.arrayContaining(['whatsapp_business_messaging', 'whatsapp_business_management']),
    });
    expect(answer.json.data.granular_scopes).toContainEqual({ scope: 'whatsapp_business_messaging', target_ids: [ACCOUNT.wabaId] });
  });

  it('reports expired and unknown tokens as invalid', async () => {
    sim.upsertToken({ token: 'EAAExpiredForDebug000001', wabaIds: [ACCOUNT.wabaId], expired: true });
    const expired = await graph(sim, 'GET', `/debug_token?input_token=EAAExpiredForDebug000001&access_token=${appToken()}`, { token: null });
    expect(expired.json.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
    const unknown = await graph(sim, 'GET', `/v23.0/debug_token?input_token=nope&access_token=${appToken()}`, { token: null });
    expect(unknown.json.data).toEqual({ error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] });
  });

  it('needs an access token of its own', async () => {
    const answer = await graph(sim, 'GET', `/v23.0/debug_token?input_token=${ACCOUNT.token}`, { token: null });
    expect(answer.json.error.code).toBe(104);
  });
});

describe('the management rate limit', () => {
  it('answers 80007 once a WABA spends its hourly calls', async () => {
    const limited = await startSimulator({ managementCallsPerHour: 2 });
    try {
      await graph(limited, 'GET', `/v23.0/${ACCOUNT.phoneNumberId}`);
      const second = await graph(limited, 'GET', `/v23.0/${ACCOUNT.wabaId}/subscribed_apps`);
      expect(JSON.parse(String(second.headers['x-business-use-case-usage']))[ACCOUNT.wabaId][0].call_count).toBe(100);
      const third = await graph(limited, 'GET', `/v23.0/${ACCOUNT.wabaId}/message_templates`);
      expect(third.json.error.code).toBe(80007);
    } finally {
      await limited.close();
    }
  });
});
