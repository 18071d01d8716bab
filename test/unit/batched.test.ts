import { describe, expect, it } from 'vitest';
import { batched } from '../../src/lib/batched.js';

describe('batched', () => {
  it('answers the calls of one event-loop turn with one run, each with its own value', async () => {
    const runs: number[][] = [];
    const double = batched(async (keys: number[]) => {
      runs.push(keys);
      return keys.map((key) => key * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('runs early when a batch is full', async () => {
    const runs: number[][] = [];
    const same = batched(async (keys: number[]) => {
      runs.push(keys);
      return keys;
    }, 2);
    expect(await Promise.all([same(1), same(2), same(3)])).toEqual([1, 2, 3]);
    expect(runs).toEqual([[1, 2], [3]]);
  });

  it('fails every call of a batch whose run failed, and recovers for the next', async () => {
    let fail = true;
    const load = batched(async (keys: string[]) => {
      if (fail) throw new Error('database away');
      return keys;
    });
    const results = await Promise.allSettled([load('a'), load('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await load('c')).toBe('c');
  });
});
