/**
 * Conformance: lookups by `_id` and by an indexed field do not scan a 100,000-document
 * collection. A scan there costs tens of milliseconds and an index lookup a fraction of one, so
 * each indexed median round trip is compared with the median of a full scan measured alongside
 * (robust on a loaded machine), and with an absolute bound.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, type AnyDoc, type ConformanceDb } from './conformance-db.js';

const DOCUMENTS = 100_000;
const LOOKUPS = 200;
/** An indexed operation must be at least this many times faster than a full scan. */
const SPEEDUP_OVER_SCAN = 5;
/** And never slower than this (median round trip), whatever the scan costs. */
const MEDIAN_BOUND_MS = 10;

let conf: ConformanceDb;
let scanMs: number;

beforeAll(async () => {
  conf = await openConformanceDb('perf');
  const coll = conf.db.collection<AnyDoc>('big');
  await coll.createIndex({ email: 1 }, { unique: true });
  await coll.createIndex({ tenant: 1, state: 1 });
  const docs = Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: i, email: `user${i}@example.com`, tenant: i % 100, state: i % 7 === 0 ? 'open' : 'closed', n: 0 }));
  for (let start = 0; start < DOCUMENTS; start += 25_000) await coll.insertMany(docs.slice(start, start + 25_000), { ordered: false });
  // `n` is not indexed and no document has n = -1: every one of these reads the whole collection.
  const scans: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await coll.findOne({ n: -1 });
    scans.push(performance.now() - t0);
  }
  scanMs = scans.sort((a, b) => a - b)[2];
}, 120_000);

afterAll(async () => {
  await conf?.close();
});

function expectIndexed(medianRoundTripMs: number) {
  expect(medianRoundTripMs).toBeLessThan(MEDIAN_BOUND_MS);
  expect(medianRoundTripMs * SPEEDUP_OVER_SCAN).toBeLessThan(scanMs);
}

async function medianMs(operation: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const key = (i * 7919) % DOCUMENTS;
    const t0 = performance.now();
    await operation(key);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

describe('indexed lookups on 100,000 documents', () => {
  it('finds and updates by _id without scanning', async () => {
    const coll = conf.db.collection<{ _id: number; n: number }>('big');
    expectIndexed(await medianMs((i) => coll.findOne({ _id: i })));
    expectIndexed(await medianMs((i) => coll.updateOne({ _id: i }, { $inc: { n: 1 } })));
  });

  it('finds and updates by a unique indexed field without scanning', async () => {
    const coll = conf.db.collection<AnyDoc>('big');
    expectIndexed(await medianMs((i) => coll.findOne({ email: `user${i}@example.com` })));
    expectIndexed(await medianMs((i) => coll.updateOne({ email: `user${i}@example.com` }, { $set: { touched: true } })));
    expect(await coll.countDocuments({ touched: true })).toBe(new Set(Array.from({ length: LOOKUPS }, (_, i) => (i * 7919) % DOCUMENTS)).size);
  });

  it('answers equality on the leading fields of a compound index correctly', async () => {
    const coll = conf.db.collection<AnyDoc>('big');
    expect(await coll.countDocuments({ tenant: 42, state: 'open' })).toBe(Array.from({ length: DOCUMENTS }, (_, i) => i).filter((i) => i % 100 === 42 && i % 7 === 0).length);
    expect(await coll.countDocuments({ tenant: { $in: [1, 2] } })).toBe(2_000);
    expectIndexed(await medianMs((i) => coll.findOne({ tenant: i % 100, state: 'open' })));
  });
});
