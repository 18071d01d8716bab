/**
 * Conformance: aggregation pipelines — grouping, sorting, joins across collections of the same
 * database, $facet, $out and $merge — with cursor replies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('agg');
  await conf.db.collection<AnyDoc>('orders').insertMany([
    { _id: 1, customer: 'ada', amount: 30, items: ['pen', 'ink'], at: new Date('2024-01-05') },
    { _id: 2, customer: 'bob', amount: 10, items: ['pen'], at: new Date('2024-01-06') },
    { _id: 3, customer: 'ada', amount: 25, items: ['paper'], at: new Date('2024-02-01') },
    { _id: 4, customer: 'cy', amount: 5, items: [], at: new Date('2024-02-02') },
  ]);
  await conf.db.collection<AnyDoc>('customers').insertMany([
    { _id: 'ada', name: 'Ada Lovelace', tier: 'gold' },
    { _id: 'bob', name: 'Bob', tier: 'silver' },
  ]);
});

afterAll(async () => {
  await conf?.close();
});

const orders = () => conf.db.collection<AnyDoc>('orders');

describe('aggregate', () => {
  it('groups, sorts and projects', async () => {
    const totals = await orders().aggregate([
      { $match: { amount: { $gte: 10 } } },
      { $group: { _id: '$customer', total: { $sum: '$amount' }, count: { $sum: 1 } } },
      { $sort: { total: -1 } },
      { $project: { _id: 0, customer: '$_id', total: 1, count: 1 } },
    ]).toArray();
    expect(totals).toEqual([{ total: 55, count: 2, customer: 'ada' }, { total: 10, count: 1, customer: 'bob' }]);
  });

  it('unwinds arrays and counts', async () => {
    const perItem = await orders().aggregate([
      { $unwind: '$items' },
      { $sortByCount: '$items' },
      { $sort: { count: -1, _id: 1 } },
    ]).toArray();
    expect(perItem).toEqual([{ _id: 'pen', count: 2 }, { _id: 'ink', count: 1 }, { _id: 'paper', count: 1 }]);
    expect(await orders().aggregate([{ $match: { customer: 'ada' } }, { $count: 'n' }]).toArray()).toEqual([{ n: 2 }]);
  });

  it('joins another collection with $lookup, both forms', async () => {
    const joined = await orders().aggregate([
      { $match: { _id: { $in: [1, 4] } } },
      { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
      { $project: { _id: 1, names: '$who.name' } },
      { $sort: { _id: 1 } },
    ]).toArray();
    expect(joined).toEqual([{ _id: 1, names: ['Ada Lovelace'] }, { _id: 4, names: [] }]);
    const correlated = await conf.db.collection<AnyDoc>('customers').aggregate([
      { $lookup: { from: 'orders', let: { id: '$_id' }, pipeline: [{ $match: { $expr: { $eq: ['$customer', '$$id'] } } }, { $group: { _id: null, spent: { $sum: '$amount' } } }], as: 'spending' } },
      { $project: { spent: { $first: '$spending.spent' } } },
      { $sort: { _id: 1 } },
    ]).toArray();
    expect(correlated).toEqual([{ _id: 'ada', spent: 55 }, { _id: 'bob', spent: 10 }]);
  });

  it('runs $facet, date operators and $bucket', async () => {
    const [facets] = await orders().aggregate([
      {
        $facet: {
          byMonth: [{ $group: { _id: { $month: '$at' }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          buckets: [{ $bucket: { groupBy: '$amount', boundaries: [0, 10, 100], default: 'other', output: { n: { $sum: 1 } } } }],
        },
      },
    ]).toArray();
    expect(facets.byMonth).toEqual([{ _id: 1, n: 2 }, { _id: 2, n: 2 }]);
    expect(facets.buckets).toEqual([{ _id: 0, n: 1 }, { _id: 10, n: 3 }]);
  });

  it('returns results through a cursor in batches', async () => {
    await conf.db.collection<AnyDoc>('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const reply = await conf.db.command({ aggregate: 'many', pipeline: [{ $sort: { i: 1 } }], cursor: { batchSize: 10 } });
    expect(reply.cursor.firstBatch).toHaveLength(10);
    expect(Number(reply.cursor.id)).not.toBe(0);
    const all = await conf.db.collection<AnyDoc>('many').aggregate([{ $match: { i: { $gte: 50 } } }, { $sort: { i: -1 } }], { batchSize: 30 }).toArray();
    expect(all).toHaveLength(200);
    expect(all[0].i).toBe(249);
  });

  it('writes results with $out, replacing the target', async () => {
    await conf.db.collection<AnyDoc>('report').insertOne({ stale: true });
    const cursor = await orders().aggregate([{ $group: { _id: '$customer', total: { $sum: '$amount' } } }, { $out: 'report' }]).toArray();
    expect(cursor).toEqual([]);
    expect(await conf.db.collection<AnyDoc>('report').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'ada', total: 55 }, { _id: 'bob', total: 10 }, { _id: 'cy', total: 5 },
    ]);
  });

  it('merges results with $merge', async () => {
    await conf.db.collection<AnyDoc>('tiers').insertMany([{ _id: 'ada', tier: 'gold', note: 'keep' }, { _id: 'zed', tier: 'none' }]);
    await orders().aggregate([
      { $group: { _id: '$customer', total: { $sum: '$amount' } } },
      { $merge: { into: 'tiers', whenMatched: 'merge', whenNotMatched: 'insert' } },
    ]).toArray();
    expect(await conf.db.collection<AnyDoc>('tiers').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'ada', tier: 'gold', note: 'keep', total: 55 },
      { _id: 'bob', total: 10 },
      { _id: 'cy', total: 5 },
      { _id: 'zed', tier: 'none' },
    ]);
  });

  it('aggregates without a collection from $documents', async () => {
    const docs = await conf.db.aggregate([{ $documents: [{ x: 1 }, { x: 2 }] }, { $match: { x: 2 } }]).toArray();
    expect(docs).toEqual([{ x: 2 }]);
  });

  it('passes let variables to the pipeline', async () => {
    const docs = await orders().aggregate([{ $match: { $expr: { $eq: ['$customer', '$$who'] } } }, { $project: { _id: 1 } }], { let: { who: 'bob' } }).toArray();
    expect(docs).toEqual([{ _id: 2 }]);
  });

  it('refuses unknown stages and a misplaced $out', async () => {
    expect((await rejectionOf(() => orders().aggregate([{ $definitelyNotAStage: {} }]).toArray())).code).toBe(40324);
    expect((await rejectionOf(() => orders().aggregate([{ $out: 'x' }, { $match: {} }]).toArray())).code).toBe(40601);
  });
});
