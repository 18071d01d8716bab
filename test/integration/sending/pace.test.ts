/**
 * Invariant 3 at its core: the hard cap counts a send from the moment it leaves until a second
 * after Meta has certainly seen it (see src/sending/pace.ts), and the pace spaces slots by how
 * long sends have recently counted. Every figure is read off Redis's own clock, so nothing here
 * depends on how fast the machine is.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeRedis, connectRedis, createRedis } from '../../../src/redis.js';
import { senderKeys } from '../../../src/sending/keys.js';
import { acquireSlot, cancelDeparture, departNow, JITTER_MARGIN_MS, settleDeparture, UNANSWERED_MS } from '../../../src/sending/pace.js';

const redis = createRedis(inject('redisUrl'), 'worker');
const prefix = `pace-test-${randomBytes(3).toString('hex')}`;
let numbers = 0;
const newNumber = () => `10000000000${(numbers += 1)}`;

beforeAll(async () => {
  await connectRedis(redis);
});
afterAll(async () => {
  await closeRedis(redis);
});

async function departAll(number: string, rate: number, ids: string[]) {
  const departures = [];
  for (const id of ids) {
    const departure = await departNow(redis, prefix, number, rate, id);
    expect(departure.waitMs, id).toBe(0);
    departures.push(departure);
  }
  return departures;
}

describe('the hard cap', () => {
  it('counts an answered send until one second after its answer', async () => {
    const number = newNumber();
    const [first] = await departAll(number, 3, ['a', 'b', 'c']);
    const hold = await settleDeparture(redis, prefix, number, 'a', first.at, true);
    expect(hold).toBeGreaterThanOrEqual(0);

    const fourth = await departNow(redis, prefix, number, 3, 'd');
    expect(fourth.waitMs).toBeGreaterThan(0);
    // It may leave 1 ms after the first send stopped counting.
    expect(fourth.at + fourth.waitMs).toBe(first.at + hold + 1000 + 1);
  });

  it('counts a send waiting for its answer until it has one, and one that ended without an answer for the margin at most', async () => {
    const number = newNumber();
    const [first] = await departAll(number, 2, ['a', 'b']);
    const third = await departNow(redis, prefix, number, 2, 'c');
    expect(third.at + third.waitMs).toBe(first.at + UNANSWERED_MS + 1000 + 1);

    const hold = await settleDeparture(redis, prefix, number, 'a', first.at, false);
    expect(hold).toBeLessThanOrEqual(JITTER_MARGIN_MS);
    const again = await departNow(redis, prefix, number, 2, 'c');
    expect(again.at + again.waitMs).toBe(first.at + hold + 1000 + 1);
  });

  it('counts an answered send for as long as its answer took, however slow', async () => {
    const number = newNumber();
    const [stalled] = await departAll(number, 5, ['stalled']);
    await new Promise((resolve) => setTimeout(resolve, 3 * JITTER_MARGIN_MS));
    const hold = await settleDeparture(redis, prefix, number, 'stalled', stalled.at, true);
    expect(hold).toBeGreaterThanOrEqual(3 * JITTER_MARGIN_MS);
    expect(Number(await redis.zscore(senderKeys(prefix, number).departures, 'stalled'))).toBe(stalled.at + hold);
  });

  it('never counts a send again once given back', async () => {
    const number = newNumber();
    const [sent] = await departAll(number, 5, ['given-back']);
    await cancelDeparture(redis, prefix, number, 'given-back');
    await settleDeparture(redis, prefix, number, 'given-back', sent.at, true);
    expect(await redis.zscore(senderKeys(prefix, number).departures, 'given-back')).toBeNull();
  });

  it('lets no more than the rate count at once, whatever the order of answers', async () => {
    const number = newNumber();
    const departures = await departAll(number, 4, ['a', 'b', 'c', 'd']);
    // Answers out of order: the earliest to stop counting decides when the next may leave.
    const holdC = await settleDeparture(redis, prefix, number, 'c', departures[2].at, true);
    const holdA = await settleDeparture(redis, prefix, number, 'a', departures[0].at, false);
    const next = await departNow(redis, prefix, number, 4, 'e');
    const earliestEnd = Math.min(departures[0].at + holdA, departures[2].at + holdC);
    expect(next.at + next.waitMs).toBe(earliestEnd + 1000 + 1);
  });
});

describe('the even pace', () => {
  const slotGap = async (number: string, rate: number) => {
    const { pace } = senderKeys(prefix, number);
    await acquireSlot(redis, prefix, number, { baseRate: rate });
    const before = Number(await redis.get(pace));
    await acquireSlot(redis, prefix, number, { baseRate: rate });
    return Number(await redis.get(pace)) - before;
  };

  it('spaces slots by a second plus the margin while no answer has come back', async () => {
    expect(await slotGap(newNumber(), 10)).toBeCloseTo((1000 + JITTER_MARGIN_MS) / 10, 6);
  });

  it('spaces slots by a second plus the recent hold once answers come back', async () => {
    const number = newNumber();
    const [sent] = await departAll(number, 10, ['a']);
    const hold = await settleDeparture(redis, prefix, number, 'a', sent.at, true);
    const gap = await slotGap(number, 10);
    // The recent hold only fades until the next answer.
    expect(gap).toBeLessThanOrEqual((1000 + hold) / 10 + 1e-6);
    expect(gap).toBeGreaterThanOrEqual(100);
    expect(gap).toBeLessThan((1000 + JITTER_MARGIN_MS) / 10);
  });
});
