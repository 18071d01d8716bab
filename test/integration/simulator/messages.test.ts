/**
 * POST /{version}/{phone-number-id}/messages over real HTTP: Meta's success shape and each error
 * the simulator answers by its own rules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/index.js';
import { ACCOUNT, promoBody, RECIPIENT, sendMessage, startSimulator } from './simulator-kit.js';

let sim: Simulator;
let clock = Date.now();

beforeAll(async () => {
  sim = await startSimulator({ now: () => clock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  clock = Date.now();
  sim.reset('traffic');
});

function expectMetaError(answer: { status: number; json: any }, code: number, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.json.error.code).toBe(code);
  expect(answer.json.error.fbtrace_id).toMatch(/^[A-Za-z0-9_-]{23}$/);
}

/** Product errors carry "(#code) title", OAuthException and error_data with details. */
function expectProductError(answer: { status: number; json: any }, code: number, status = 400) {
  expectMetaError(answer, code, status);
  expect(answer.json.error.type).toBe('OAuthException');
  expect(answer.json.error.message).toMatch(new RegExp(`^\\(#${code}\\) `));
  expect(answer.json.error.error_data.messaging_product).toBe('whatsapp');
  expect(typeof answer.json.error.error_data.details).toBe('string');
}

describe('a valid template send', () => {
  it('answers Meta success shape with a unique wamid', async () => {
    const first = await sendMessage(sim, promoBody());
    const second = await sendMessage(sim, promoBody('+5511999990002'));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: RECIPIENT, wa_id: '5511999990001' }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/=]+$/), message_status: 'accepted' }],
    });
    expect(second.json.messages[0].id).not.toBe(first.json.messages[0].id);
  });

  it('accepts any vNN.N version, named parameters and buttons', async () => {
    const answer = await sendMessage(
      sim,
      {
        messaging_product: 'whatsapp',
        to: RECIPIENT,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'pt_BR', policy: 'deterministic' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'order', text: 'A-1' },
                { type: 'text', parameter_name: 'name', text: 'José' },
              ],
            },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
          ],
        },
      },
      { version: 'v25.0' },
    );
    expect(answer.status).toBe(200);
  });

  it('records each request with its arrival time', async () => {
    await sendMessage(sim, promoBody());
    const [request] = sim.requests({ recipient: RECIPIENT });
    expect(request).toMatchObject({ phoneNumberId: ACCOUNT.phoneNumberId, recipient: '5511999990001', outcome: 'accepted', httpStatus: 200 });
    expect(request.at).toBe(clock); // this file runs the simulator on a clock it controls
    expect(request.template).toBe('promo/en_US');
  });
});

describe('tokens and phone numbers', () => {
  it('answers 190 for an unknown token and 190/463 for an expired one', async () => {
    const unknown = await sendMessage(sim, promoBody(), { token: 'EAAnotARealTokenAtAll' });
    expectMetaError(unknown, 190, 401);
    expect(unknown.json.error.type).toBe('OAuthException');
    expect(unknown.headers['www-authenticate']).toContain('invalid_token');

    sim.upsertToken({ token: 'EAAExpiredToken00000001', wabaIds: [ACCOUNT.wabaId], expired: true });
    const expired = await sendMessage(sim, promoBody(), { token: 'EAAExpiredToken00000001' });
    expectMetaError(expired, 190, 401);
    expect(expired.json.error.error_subcode).toBe(463);
    expect(expired.json.error.message).toMatch(/Session has expired/);
  });

  it('answers 190 when no token is sent', async () => {
    expectMetaError(await sendMessage(sim, promoBody(), { token: null }), 190, 401);
  });

  it('answers 100/33 for a phone number the token cannot see, or that does not exist', async () => {
    const foreign = await sendMessage(sim, promoBody(), { phoneNumberId: ACCOUNT.otherPhoneNumberId });
    expectMetaError(foreign, 100, 400);
    expect(foreign.json.error.error_subcode).toBe(33);
    expect(foreign.json.error.type).toBe('GraphMethodException');
    const missing = await sendMessage(sim, promoBody(), { phoneNumberId: '999999999999999' });
    expect(missing.json.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('answers 131030 to recipients outside a test number allow-list', async () => {
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { testNumber: { allowedRecipients: ['+55 11 99999-0001'] } });
    expect((await sendMessage(sim, promoBody())).status).toBe(200);
    expectProductError(await sendMessage(sim, promoBody('+5511999990009')), 131030);
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { testNumber: null });
  });

  it('answers 133010 for a number not registered on Cloud API', async () => {
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { platformType: 'NOT_APPLICABLE' });
    expectProductError(await sendMessage(sim, promoBody()), 133010);
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { platformType: 'CLOUD_API' });
  });
});

describe('templates', () => {
  const withTemplate = (name: string, code: string, components: unknown[] = []) => ({
    messaging_product: 'whatsapp',
    to: RECIPIENT,
    type: 'template',
    template: { name, language: { code }, components },
  });

  it('answers 132001 (HTTP 404) for an unknown template, a wrong language or an unapproved one', async () => {
    expectProductError(await sendMessage(sim, withTemplate('nope', 'en_US')), 132001, 404);
    expectProductError(await sendMessage(sim, withTemplate('promo', 'pt_BR')), 132001, 404);
    expectProductError(await sendMessage(sim, withTemplate('pending_one', 'en_US')), 132001, 404);
  });

  it('answers 132015 for a paused template and 132016 for a disabled one', async () => {
    expectProductError(await sendMessage(sim, withTemplate('paused_one', 'en_US')), 132015);
    expectProductError(await sendMessage(sim, withTemplate('disabled_one', 'en_US')), 132016);
  });

  it('answers 132000 when the parameter count does not match', async () => {
    const tooFew = await sendMessage(sim, withTemplate('promo', 'en_US', [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }]));
    expectProductError(tooFew, 132000);
    expect(tooFew.json.error.error_data.details).toContain('(1)');
    expectProductError(await sendMessage(sim, withTemplate('promo', 'en_US')), 132000);
    // The media header needs its image parameter.
    expectProductError(await sendMessage(sim, withTemplate('launch', 'en_US')), 132000);
    // The dynamic URL button needs its suffix.
    const namedBody = { type: 'body', parameters: [{ type: 'text', parameter_name: 'name', text: 'A' }, { type: 'text', parameter_name: 'order', text: 'B' }] };
    expectProductError(await sendMessage(sim, withTemplate('order_update', 'pt_BR', [namedBody])), 132000);
  });

  it('answers 132012 for named/positional mix-ups and wrong header types', async () => {
    const positionalToNamed = [{ type: 'body', parameters: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] }];
    expectProductError(await sendMessage(sim, withTemplate('order_update', 'pt_BR', positionalToNamed)), 132012);
    const videoForImage = [{ type: 'header', parameters: [{ type: 'video', video: { link: 'https://x.test/v.mp4' } }] }];
    expectProductError(await sendMessage(sim, withTemplate('launch', 'en_US', videoForImage)), 132012);
  });

  it('checks the parameter type each component takes', async () => {
    const imageInBody = [{ type: 'body', parameters: [{ type: 'image', image: { id: '1' } }, { type: 'text', text: 'B' }] }];
    expectProductError(await sendMessage(sim, withTemplate('promo', 'en_US', imageInBody)), 132012);
    const body = { type: 'body', parameters: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] };
    const textForPayload = { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'text', text: 'STOP' }] };
    expectProductError(await sendMessage(sim, withTemplate('promo', 'en_US', [body, textForPayload])), 131009);
    const payload = { ...textForPayload, parameters: [{ type: 'payload', payload: 'STOP' }] };
    expect((await sendMessage(sim, withTemplate('promo', 'en_US', [body, payload]))).status).toBe(200);
  });

  it('refuses body parameters with new lines (132018)', async () => {
    const withNewLine = [{ type: 'body', parameters: [{ type: 'text', text: 'A\nB' }, { type: 'text', text: 'C' }] }];
    expectProductError(await sendMessage(sim, withTemplate('promo', 'en_US', withNewLine)), 132018);
  });

  it('accepts a media header given by link', async () => {
    const image = [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.test/a.png' } }] }];
    expect((await sendMessage(sim, withTemplate('launch', 'en_US', image))).status).toBe(200);
  });
});

describe('body validation', () => {
  it('names the missing parameter with code 100', async () => {
    const { to: _to, ...withoutTo } = promoBody();
    const answer = await sendMessage(sim, withoutTo);
    expectProductError(answer, 100);
    expect(answer.json.error.error_data.details).toBe('The parameter to is required.');
    expectProductError(await sendMessage(sim, { ...promoBody(), messaging_product: 'sms' }), 100);
    expectProductError(await sendMessage(sim, { ...promoBody(), template: { language: { code: 'en_US' } } }), 100);
  });

  it('answers 131008 for a parameter without its value and 131009 for an invalid one', async () => {
    const noText = { ...promoBody(), template: { name: 'promo', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text' }] }] } };
    expectProductError(await sendMessage(sim, noText), 131008);
    const badComponent = { ...promoBody(), template: { name: 'promo', language: { code: 'en_US' }, components: [{ type: 'sidebar' }] } };
    expectProductError(await sendMessage(sim, badComponent), 131009);
    expectProductError(await sendMessage(sim, promoBody('not-a-number')), 131009);
  });

  it('accepts biz_opaque_callback_data up to 512 characters and refuses longer', async () => {
    expect((await sendMessage(sim, promoBody(RECIPIENT, { biz_opaque_callback_data: 'x'.repeat(512) }))).status).toBe(200);
    expectProductError(await sendMessage(sim, promoBody(RECIPIENT, { biz_opaque_callback_data: 'x'.repeat(513) })), 100);
  });

  it('answers Meta-shaped errors for unreadable JSON and unknown paths', async () => {
    const response = await fetch(`${sim.url}/v23.0/${ACCOUNT.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCOUNT.token}`, 'content-type': 'application/json' },
      body: '{"messaging_product":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe(100);
    const unknown = await fetch(`${sim.url}/v23.0/${ACCOUNT.phoneNumberId}/nothing/here`);
    expect(((await unknown.json()) as any).error.code).toBe(2500);
  });
});

describe('the customer service window', () => {
  const text = { messaging_product: 'whatsapp', to: RECIPIENT, type: 'text', text: { body: 'Hello!' } };

  it('refuses text with 131047 until the user writes, then allows it for 24 hours', async () => {
    expectProductError(await sendMessage(sim, text), 131047);
    sim.sendInboundMessage({ type: 'text', phoneNumberId: ACCOUNT.phoneNumberId, from: RECIPIENT, text: 'hi' });
    const inside = await sendMessage(sim, text);
    expect(inside.status).toBe(200);
    expect(inside.json.messages[0].message_status).toBeUndefined();
    clock += 24 * 60 * 60 * 1000 + 1;
    expectProductError(await sendMessage(sim, text), 131047);
  });
});

describe('recipient normalisation', () => {
  it('prepends the business country code to a `to` without +', async () => {
    const answer = await sendMessage(sim, promoBody('6505551234'));
    expect(answer.json.contacts[0]).toEqual({ input: '6505551234', wa_id: '16505551234' });
  });

  it('answers 131021 when the recipient is the sender', async () => {
    expectProductError(await sendMessage(sim, promoBody(ACCOUNT.displayPhoneNumber)), 131021);
  });
});
