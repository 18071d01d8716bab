/**
 * Invariant 3, measured by the simulator's own clock: no number ever gets more sends in any
 * sliding second than its rate, with several senders and two worker runtimes competing, and
 * a slow sender never holds up a fast one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectRedis, createRedis, closeRedis } from '../../src/redis.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../workers/runtime.js';
import { startRemoteSimulator, type RemoteSimulator } from '../helpers/remote-simulator.js';
import { createWorld, type World } from '../helpers/world.js';

let world: World;
// Out of process, as Meta is: its per-second counts must not be skewed by the engine's event loop.
let meta: RemoteSimulator;
let second: WorkerRuntime;
const secondConnection = createRedis(inject('redisUrl'), 'worker');

// Fresh numbers on every attempt (the timing project retries a disturbed measurement).
const attempt = () => String(Math.floor(Math.random() * 9000) + 1000);
const token = 'EAAlimitsTestToken0000000000000000000000000000001';
type PacedNumber = { id: string; mps: number | undefined; messages: number };
let numbers: PacedNumber[] = [];

beforeAll(async () => {
  meta = await startRemoteSimulator();
  world = await createWorld({ env: { GRAPH_API_BASE_URL: meta.url } });
  await connectRedis(secondConnection);
  // A second worker runtime on the same Redis: the limits must hold across both.
  second = await startWorkerRuntime(world.deps, secondConnection, { dispatcherTickMs: 50 });
});
afterAll(async () => {
  await second?.stop();
  await closeRedis(secondConnection);
  await world?.close();
  await meta?.stop();
});

/** Registers the numbers at Meta and with us, and starts one campaign on each. */
async function sendOnNumbers(list: PacedNumber[]) {
  await meta.admin('POST', '/setup', {
    tokens: [{ token, appId: world.seed.appId, wabaIds: [world.seed.wabaId] }],
    phoneNumbers: list.map((number) => ({
      id: number.id, wabaId: world.seed.wabaId, displayPhoneNumber: `+1 555-010-${number.id.slice(-4)}`, messagingLimitTier: 'TIER_UNLIMITED',
    })),
  });
  const campaigns: Array<{ id: string; started: number; number: PacedNumber }> = [];
  for (const number of list) {
    const credentialId = await world.connectCredential({ phoneNumberId: number.id, accessToken: token, ...(number.mps ? { messagesPerSecond: number.mps } : {}) });
    const created = await world.api('POST', '/v1/campaigns', {
      name: `pace ${number.id}`, credentialId,
      template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
      recipients: Array.from({ length: number.messages }, (_, n) => ({ to: `+4915${number.id.slice(-2)}${String(1000000 + n)}` })),
    });
    expect(created.statusCode).toBe(202);
    campaigns.push({ id: created.json().id, started: Date.now(), number });
  }
  const finished: Record<string, number> = {};
  await world.waitFor(async () => {
    for (const campaign of campaigns) {
      if (finished[campaign.number.id]) continue;
      const current = (await world.api('GET', `/v1/campaigns/${campaign.id}`)).json();
      if (current.status === 'completed') finished[campaign.number.id] = Date.now() - campaign.started;
    }
    return Object.keys(finished).length === campaigns.length;
  }, 'all campaigns to complete', 25_000);
  return finished;
}

describe('per-number pace', () => {
  it('holds every number to its rate in every sliding second, and a slow number does not slow a fast one', async () => {
    const prefix = `2000000${attempt()}`;
    numbers = [
      { id: `${prefix}0011`, mps: undefined, messages: 320 },
      { id: `${prefix}0012`, mps: 20, messages: 80 },
      { id: `${prefix}0013`, mps: 2, messages: 8 },
    ];
    const finished = await sendOnNumbers(numbers);

    const stats = await meta.admin<ReturnType<World['sim']['stats']>>('GET', '/stats');
    const report = numbers.map((number) => ({ number: number.id, limit: number.mps ?? 80, ...stats.phoneNumbers[number.id], seconds: finished[number.id] / 1000 }));
    console.log(JSON.stringify(report.map(({ number, limit, accepted, maxAcceptedInAnySecond, maxReceivedInAnySecond, limitsEnforced, seconds }) =>
      ({ number, limit, accepted, maxAcceptedInAnySecond, maxReceivedInAnySecond, limitsEnforced, seconds }))));
    for (const row of report) {
      expect(row.accepted, row.number).toBe(numbers.find((number) => number.id === row.number)!.messages);
      expect(row.maxReceivedInAnySecond, row.number).toBeLessThanOrEqual(row.limit);
      expect(row.limitsEnforced.throughput, row.number).toBe(0);
    }
    // 320 at 80/s take about 4 s; the 2/s number (4 s for 8) must not stretch that.
    expect(finished[numbers[0].id]).toBeLessThan(finished[numbers[2].id] + 3_000);
  });
});
