/**
 * Messages per second per phone number (130429) and the pair rate per recipient (131056), on a
 * clock the test controls, plus the observations that let a test prove a sender stayed under them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../src/simulator/index.js';
import { ACCOUNT, promoBody, sendMessage, startSimulator } from './simulator-kit.js';

let sim: Simulator;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  sim = await startSimulator({ now: () => clock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset('traffic');
  sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'STANDARD' }, pairRateLimit: { burst: 45, refillIntervalMs: 6000 } });
});

const recipient = (i: number) => `+55119999${String(i).padStart(5, '0')}`;

describe('messages per second', () => {
  it('defaults to 80 mps on the standard level', async () => {
    const answers = await Promise.all(Array.from({ length: 85 }, (_, i) => sendMessage(sim, promoBody(recipient(i)))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(80);
    const limited = answers.filter((a) => a.status !== 200);
    expect(limited).toHaveLength(5);
    for (const answer of limited) {
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ code: 130429, error_subcode: 2494055, type: 'OAuthException' });
    }
  });

  it('uses a sliding one-second window at the number’s configured mps', async () => {
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'STANDARD', mps: 5 } });
    const firstBurst = await Promise.all(Array.from({ length: 8 }, (_, i) => sendMessage(sim, promoBody(recipient(i)))));
    expect(firstBurst.filter((a) => a.status === 200)).toHaveLength(5);

    clock += 999; // still inside the window that holds the first five
    expect((await sendMessage(sim, promoBody(recipient(20)))).json.error.code).toBe(130429);
    clock += 1; // the first five have left the window
    const secondBurst = await Promise.all(Array.from({ length: 6 }, (_, i) => sendMessage(sim, promoBody(recipient(30 + i)))));
    expect(secondBurst.filter((a) => a.status === 200)).toHaveLength(5);

    const stats = sim.stats().phoneNumbers[ACCOUNT.phoneNumberId];
    expect(stats.accepted).toBe(10);
    expect(stats.maxAcceptedInAnySecond).toBe(5);
    expect(stats.limitsEnforced).toEqual({ throughput: 5, pair: 0 });
    expect(stats.errorsByCode['130429']).toBe(5);
  });

  it('reports the busiest second of a sender that stayed under the limit', async () => {
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'STANDARD', mps: 10 } });
    for (let i = 0; i < 30; i += 1) {
      await sendMessage(sim, promoBody(recipient(i)));
      clock += 125; // 8 per second
    }
    const stats = sim.stats().phoneNumbers[ACCOUNT.phoneNumberId];
    expect(stats.limitsEnforced.throughput).toBe(0);
    expect(stats.maxAcceptedInAnySecond).toBe(8);
  });

  it('can answer throttling with HTTP 429 when configured so', async () => {
    const strict = await startSimulator({ now: () => clock, rateLimitHttpStatus: 429 });
    try {
      strict.updatePhoneNumber(ACCOUNT.phoneNumberId, { throughput: { level: 'STANDARD', mps: 1 } });
      await sendMessage(strict, promoBody(recipient(1)));
      const limited = await sendMessage(strict, promoBody(recipient(2)));
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe(130429);
    } finally {
      await strict.close();
    }
  });
});

describe('pair rate', () => {
  it('allows a burst per recipient, then answers 131056 for that recipient only', async () => {
    sim.updatePhoneNumber(ACCOUNT.phoneNumberId, { pairRateLimit: { burst: 3, refillIntervalMs: 60_000 } });
    const same = [];
    for (let i = 0; i < 5; i += 1) same.push(await sendMessage(sim, promoBody(recipient(1))));
    expect(same.map((a) => a.status)).toEqual([200, 200, 200, 400, 400]);
    expect(same[3].json.error.code).toBe(131056);
    expect((await sendMessage(sim, promoBody(recipient(2)))).status).toBe(200);

    clock += 60_000; // one message of quota comes back
    expect((await sendMessage(sim, promoBody(recipient(1)))).status).toBe(200);
    expect((await sendMessage(sim, promoBody(recipient(1)))).json.error.code).toBe(131056);
    expect(sim.stats().phoneNumbers[ACCOUNT.phoneNumberId].limitsEnforced).toEqual({ throughput: 0, pair: 3 });
  });

  it('defaults to Meta’s burst of 45 per 6-second refill', async () => {
    const answers = [];
    for (let i = 0; i < 46; i += 1) {
      answers.push(await sendMessage(sim, promoBody(recipient(7))));
      clock += 20; // 46 sends in under a second: the mps limit (80) is not the one in play
    }
    expect(answers.slice(0, 45).every((a) => a.status === 200)).toBe(true);
    expect(answers[45].json.error.code).toBe(131056);
  });

  it('lists what each recipient received, with arrival times', async () => {
    await sendMessage(sim, promoBody(recipient(3)));
    clock += 10;
    await sendMessage(sim, promoBody(recipient(3)));
    const received = sim.requests({ phoneNumberId: ACCOUNT.phoneNumberId, recipient: recipient(3) });
    expect(received.map((r) => r.at)).toEqual([clock - 10, clock]);
  });
});
