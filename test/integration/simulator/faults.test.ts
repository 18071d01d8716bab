/**
 * Injected faults on the send endpoint: a Meta error for the next N requests or a fraction, HTTP
 * 500/503 with no body, connection resets, sends accepted but never answered, and latency.
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/index.js';
import { ACCOUNT, promoBody, RECIPIENT, sendMessage, startSimulator, WebhookReceiver } from './simulator-kit.js';

let sim: Simulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  sim = await startSimulator({ webhookUrl: receiver.url });
  // Fault tests send bursts; keep the throughput limit out of the way.
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

const recipient = (i: number) => `+55119998${String(i).padStart(5, '0')}`;

describe('error faults', () => {
  it('answers the given Meta error for the next N requests, then normally', async () => {
    sim.addFault({ kind: 'error', code: 131000, times: 2 });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await sendMessage(sim, promoBody(recipient(i))));
    expect(answers.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(answers[0].json.error).toMatchObject({ code: 131000, message: '(#131000) Something went wrong', type: 'OAuthException' });
    expect(sim.listFaults()).toEqual([]);
    expect(sim.stats().phoneNumbers[ACCOUNT.phoneNumberId]).toMatchObject({ faulted: 2, accepted: 1, errorsByCode: { 131000: 2 } });
  });

  it('targets one recipient only', async () => {
    sim.addFault({ kind: 'error', code: 131026, recipient: '55 11 99980-0001' });
    expect((await sendMessage(sim, promoBody(recipient(1)))).json.error.code).toBe(131026);
    expect((await sendMessage(sim, promoBody(recipient(2)))).status).toBe(200);
  });

  it('targets one phone number only', async () => {
    sim.addFault({ kind: 'error', code: 131000, phoneNumberId: ACCOUNT.otherPhoneNumberId });
    expect((await sendMessage(sim, promoBody())).status).toBe(200);
  });

  it('applies to a fraction of requests', async () => {
    sim.addFault({ kind: 'error', code: 131016, fraction: 0.5 });
    const answers = [];
    for (let i = 0; i < 200; i += 1) answers.push(await sendMessage(sim, promoBody(recipient(i))));
    const failed = answers.filter((a) => a.json?.error?.code === 131016).length;
    expect(failed).toBeGreaterThan(50);
    expect(failed).toBeLessThan(150);
  });

  it('can override the HTTP status and subcode', async () => {
    sim.addFault({ kind: 'error', code: 130429, httpStatus: 429, times: 1 });
    const answer = await sendMessage(sim, promoBody());
    expect(answer.status).toBe(429);
    expect(answer.json.error).toMatchObject({ code: 130429, error_subcode: 2494055 });
  });
});

describe('transport faults', () => {
  it('answers 500 and 503 with no body', async () => {
    sim.addFault({ kind: 'http', status: 500, times: 1 });
    sim.addFault({ kind: 'http', status: 503, times: 1 });
    const first = await sendMessage(sim, promoBody(recipient(1)));
    const second = await sendMessage(sim, promoBody(recipient(2)));
    expect([first.status, first.text]).toEqual([500, '']);
    expect([second.status, second.text]).toEqual([503, '']);
    expect(sim.requests({ outcome: 'faulted' }).map((r) => r.httpStatus)).toEqual([500, 503]);
  });

  it('resets the connection', async () => {
    sim.addFault({ kind: 'reset', times: 1 });
    await expect(sendMessage(sim, promoBody())).rejects.toThrow();
    expect((await sendMessage(sim, promoBody())).status).toBe(200);
  });

  it('can accept the send and still answer 500 — the message is delivered anyway', async () => {
    sim.addFault({ kind: 'http', status: 500, accept: true, times: 1 });
    const answer = await sendMessage(sim, promoBody(RECIPIENT, { biz_opaque_callback_data: 'msg:ambiguous' }));
    expect(answer.status).toBe(500);
    const [recorded] = sim.requests();
    expect(recorded).toMatchObject({ outcome: 'accepted', httpStatus: 500, fault: 'http', wamid: expect.stringMatching(/^wamid\./) });
    const sent = await receiver.waitFor(() => receiver.statuses().find((s) => s.status === 'sent'));
    expect(sent).toMatchObject({ id: recorded.wamid, biz_opaque_callback_data: 'msg:ambiguous' });
  });

  it('accepts a send but never answers it (timeout), and still posts its webhooks', async () => {
    sim.addFault({ kind: 'timeout', times: 1 });
    const controller = new AbortController();
    const hanging = request(`${sim.url}/v23.0/${ACCOUNT.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCOUNT.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(promoBody(RECIPIENT, { biz_opaque_callback_data: 'msg:lost-answer' })),
      signal: controller.signal,
    });
    const read = await receiver.waitFor(() => receiver.statuses().find((s) => s.status === 'read'));
    expect(read.biz_opaque_callback_data).toBe('msg:lost-answer');
    expect(sim.requests()[0]).toMatchObject({ outcome: 'accepted', httpStatus: null, fault: 'timeout' });
    controller.abort();
    await expect(hanging).rejects.toThrow();
  });

  it('answers a timed-out send late when told how late', async () => {
    sim.addFault({ kind: 'timeout', answerAfterMs: 50, times: 1 });
    const answer = await sendMessage(sim, promoBody());
    expect(answer.status).toBe(200);
    expect(answer.json.messages[0].id).toMatch(/^wamid\./);
  });

  it('adds latency without changing the answer', async () => {
    sim.addFault({ kind: 'latency', ms: 30, times: 1 });
    expect((await sendMessage(sim, promoBody())).status).toBe(200);
  });

  it('is configurable over the admin API', async () => {
    const created = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error', code: 131048, times: 1 }),
    });
    expect(created.status).toBe(201);
    const rule = await created.json();
    expect(rule).toMatchObject({ id: expect.any(String), remaining: 1, action: { kind: 'error', code: 131048 } });
    expect((await sendMessage(sim, promoBody())).json.error.code).toBe(131048);

    const invalid = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).error.issues[0].path).toBe('code');
  });
});
