/**
 * Conformance: inserting (ids, ordered and unordered write errors), finding (filter, sort,
 * projection, skip, limit, batches and cursors), counting, distinct, and BSON types that must
 * round-trip unchanged.
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('crud');
});

afterAll(async () => {
  await conf?.close();
});

describe('insert', () => {
  it('gives documents an ObjectId _id, stored as the first field', async () => {
    const coll = conf.db.collection<AnyDoc>('ids');
    const reply = await conf.db.command({ insert: 'ids', documents: [{ name: 'no id' }, { name: 'late id', _id: 'mine' }] });
    expect(reply).toMatchObject({ n: 2, ok: 1 });
    const docs = await coll.find().toArray();
    expect(docs[0]._id).toBeInstanceOf(ObjectId);
    expect(docs.map((d) => Object.keys(d)[0])).toEqual(['_id', '_id']);
    expect(docs[1]).toEqual({ _id: 'mine', name: 'late id' });
  });

  it('stops an ordered insert at the first error and reports its index', async () => {
    const coll = conf.db.collection<AnyDoc>('ordered');
    const error = await rejectionOf(() => coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }]));
    expect(error.code).toBe(11000);
    expect(error.writeErrors).toHaveLength(1);
    expect(error.writeErrors[0].index).toBe(2);
    expect(error.message).toContain('index: _id_ dup key: { _id: 1 }');
    expect((await coll.find().toArray()).map((d) => d._id)).toEqual([1, 2]);
  });

  it('continues an unordered insert past errors', async () => {
    const coll = conf.db.collection<AnyDoc>('unordered');
    const reply = await conf.db.command({ insert: 'unordered', documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }], ordered: false });
    expect(reply.n).toBe(3);
    expect(reply.writeErrors.map((e: { index: number; code: number }) => [e.index, e.code])).toEqual([[1, 11000], [3, 11000]]);
    expect(await coll.countDocuments()).toBe(3);
  });

  it('refuses arrays as _id', async () => {
    const error = await rejectionOf(() => conf.db.collection<AnyDoc>('bad_ids').insertOne({ _id: [1, 2] as unknown as number }));
    expect(error.code).toBe(53);
  });
});

describe('find', () => {
  beforeAll(async () => {
    await conf.db.collection<AnyDoc>('items').insertMany(Array.from({ length: 30 }, (_, i) => ({
      _id: i + 1,
      n: i + 1,
      group: ['red', 'green', 'blue'][i % 3],
      tags: i % 2 === 0 ? ['even', `t${i % 5}`] : ['odd'],
      nested: { depth: i % 4, label: `label-${i}` },
    })));
  });

  const items = () => conf.db.collection<AnyDoc>('items');

  it('filters with query operators, dotted paths and array matching', async () => {
    expect(await items().countDocuments({ n: { $gt: 25 } })).toBe(5);
    expect(await items().countDocuments({ 'nested.depth': 0 })).toBe(8);
    expect(await items().countDocuments({ tags: 'even' })).toBe(15);
    expect(await items().countDocuments({ tags: { $all: ['even', 't0'] } })).toBe(3);
    expect(await items().countDocuments({ $or: [{ group: 'red' }, { n: { $lte: 2 } }] })).toBe(11);
    expect(await items().countDocuments({ group: { $in: ['red', 'blue'] }, n: { $mod: [2, 0] } })).toBe(10);
    expect(await items().countDocuments({ missing: null })).toBe(30);
    expect(await items().countDocuments({ missing: { $exists: true } })).toBe(0);
    expect(await items().countDocuments({ 'nested.label': { $regex: /^label-1\d$/ } })).toBe(10);
    expect(await items().countDocuments({ $expr: { $gt: ['$n', { $multiply: ['$nested.depth', 10] }] } })).toBe(15);
  });

  it('sorts on several keys, skips and limits', async () => {
    const docs = await items().find({}, { projection: { _id: 0, group: 1, n: 1 } }).sort({ group: 1, n: -1 }).skip(2).limit(4).toArray();
    expect(docs).toEqual([
      { n: 24, group: 'blue' }, { n: 21, group: 'blue' }, { n: 18, group: 'blue' }, { n: 15, group: 'blue' },
    ]);
  });

  it('projects with inclusion, exclusion, nested fields, $slice and $elemMatch', async () => {
    expect(await items().findOne({ _id: 3 }, { projection: { n: 1, 'nested.depth': 1 } })).toEqual({ _id: 3, n: 3, nested: { depth: 2 } });
    expect(await items().findOne({ _id: 3 }, { projection: { tags: 0, nested: 0, group: 0 } })).toEqual({ _id: 3, n: 3 });
    expect(await items().findOne({ _id: 3 }, { projection: { _id: 0, tags: { $slice: 1 } } })).toMatchObject({ tags: ['even'] });
    expect(await items().findOne({ _id: 3 }, { projection: { _id: 0, tags: { $elemMatch: { $gte: 't' } } } })).toEqual({ tags: ['t2'] });
    expect(await items().findOne({ tags: 't2', _id: 3 }, { projection: { _id: 0, 'tags.$': 1 } })).toEqual({ tags: ['t2'] });
  });

  it('hands out results in batches through getMore', async () => {
    const first = await conf.db.command({ find: 'items', filter: {}, sort: { n: 1 }, batchSize: 7 });
    expect(first.cursor.firstBatch).toHaveLength(7);
    expect(first.cursor.ns).toBe(`${conf.dbName}.items`);
    const id = first.cursor.id;
    expect(Number(id)).not.toBe(0);
    const more = await conf.db.command({ getMore: id, collection: 'items', batchSize: 20 });
    expect(more.cursor.nextBatch.map((d: { n: number }) => d.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 8));
    const last = await conf.db.command({ getMore: id, collection: 'items' });
    expect(last.cursor.nextBatch).toHaveLength(3);
    expect(Number(last.cursor.id)).toBe(0);
    const gone = await rejectionOf(() => conf.db.command({ getMore: id, collection: 'items' }));
    expect(gone.code).toBe(43);
  });

  it('kills cursors', async () => {
    const first = await conf.db.command({ find: 'items', batchSize: 2 });
    const killed = await conf.db.command({ killCursors: 'items', cursors: [first.cursor.id] });
    expect(killed.cursorsKilled.map(Number)).toEqual([Number(first.cursor.id)]);
    expect((await rejectionOf(() => conf.db.command({ getMore: first.cursor.id, collection: 'items' }))).code).toBe(43);
  });

  it('closes the cursor for singleBatch and a limit within the batch', async () => {
    const single = await conf.db.command({ find: 'items', batchSize: 5, singleBatch: true });
    expect(single.cursor.firstBatch).toHaveLength(5);
    expect(Number(single.cursor.id)).toBe(0);
    const limited = await conf.db.command({ find: 'items', limit: 4, batchSize: 10 });
    expect(limited.cursor.firstBatch).toHaveLength(4);
    expect(Number(limited.cursor.id)).toBe(0);
    // A negative limit through the driver means "one batch of at most that many".
    expect(await items().find().limit(-3).toArray()).toHaveLength(3);
  });

  it('iterates a large result with the driver across many batches', async () => {
    const all = await items().find({}, { batchSize: 4 }).sort({ n: -1 }).toArray();
    expect(all.map((d) => d.n)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
  });

  it('counts with count and countDocuments, with skip and limit', async () => {
    expect(await items().estimatedDocumentCount()).toBe(30);
    expect((await conf.db.command({ count: 'items', query: { group: 'red' } })).n).toBe(10);
    expect((await conf.db.command({ count: 'items', query: { group: 'red' }, skip: 8 })).n).toBe(2);
    expect((await conf.db.command({ count: 'items', limit: 5 })).n).toBe(5);
    expect(await items().countDocuments({}, { skip: 25 })).toBe(5);
    expect((await conf.db.command({ count: 'no_such_collection' })).n).toBe(0);
  });

  it('returns distinct values, unwinding arrays', async () => {
    expect((await items().distinct('group')).sort()).toEqual(['blue', 'green', 'red']);
    expect((await items().distinct('tags', { group: 'red' })).sort()).toEqual(['even', 'odd', 't0', 't1', 't2', 't3', 't4']);
    expect((await items().distinct('nested.depth')).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('sort order across BSON types', () => {
  it('orders mixed types like mongod: null < numbers < strings < objects < arrays < ObjectId < booleans < dates', async () => {
    const coll = conf.db.collection<AnyDoc>('mixed');
    const oid = new ObjectId('000000000000000000000001');
    await coll.insertMany([
      { _id: 'date', v: new Date(0) },
      { _id: 'true', v: true },
      { _id: 'oid', v: oid },
      { _id: 'object', v: { a: 1 } },
      { _id: 'string', v: 'abc' },
      { _id: 'number', v: 5 },
      { _id: 'double', v: 2.5 },
      { _id: 'null', v: null },
      { _id: 'missing' },
      { _id: 'false', v: false },
    ]);
    const ascending = (await coll.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    expect(ascending).toEqual(['missing', 'null', 'double', 'number', 'string', 'object', 'oid', 'false', 'true', 'date']);
  });

  it('sorts arrays by their smallest element ascending and largest descending', async () => {
    const coll = conf.db.collection<AnyDoc>('arrays');
    await coll.insertMany([{ _id: 'a', v: [1, 10] }, { _id: 'b', v: [5] }, { _id: 'c', v: [3, 4] }]);
    expect((await coll.find().sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual(['a', 'c', 'b']);
    expect((await coll.find().sort({ v: -1 }).toArray()).map((d) => d._id)).toEqual(['a', 'b', 'c']);
  });
});

describe('BSON types round-trip', () => {
  it('stores and returns dates, decimals, binaries, regexes, longs, timestamps and nesting unchanged', async () => {
    const coll = conf.db.collection<AnyDoc>('types');
    const doc = {
      _id: new ObjectId(),
      date: new Date('2024-02-29T12:34:56.789Z'),
      decimal: Decimal128.fromString('1234567890.123456789'),
      binary: new Binary(Buffer.from([0, 1, 2, 250]), 0),
      uuid: new Binary(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'), 4),
      regex: /^ab+c$/i,
      long: Long.fromString('9007199254740993'),
      timestamp: new Timestamp({ t: 1700000000, i: 7 }),
      nested: { list: [1, 'two', { three: [3] }], empty: {}, nothing: null },
      unicode: 'żółw 🐢',
    };
    await coll.insertOne(doc);
    const back = await coll.findOne({ _id: doc._id }, { promoteLongs: false });
    expect(back?.date).toEqual(doc.date);
    expect(back?.decimal.toString()).toBe('1234567890.123456789');
    expect(Buffer.from(back?.binary.buffer).toString('hex')).toBe('000102fa');
    expect(back?.uuid.sub_type).toBe(4);
    expect(back?.regex).toEqual(/^ab+c$/i);
    expect(Long.isLong(back?.long) && back?.long.toString()).toBe('9007199254740993');
    expect(back?.timestamp.toString()).toBe(doc.timestamp.toString());
    expect(back?.nested).toEqual(doc.nested);
    expect(back?.unicode).toBe(doc.unicode);
    expect(await coll.countDocuments({ date: { $gte: new Date('2024-01-01'), $lt: new Date('2025-01-01') } })).toBe(1);
    expect(await coll.countDocuments({ decimal: Decimal128.fromString('1234567890.123456789') })).toBe(1);
    expect(await coll.countDocuments({ binary: new Binary(Buffer.from([0, 1, 2, 250]), 0) })).toBe(1);
  });

  it('matches by BSON type with $type', async () => {
    const coll = conf.db.collection<AnyDoc>('typed');
    await coll.insertMany([
      { _id: 1, v: new Int32(1) }, { _id: 2, v: new Double(1.5) }, { _id: 3, v: 'text' }, { _id: 4, v: new ObjectId() },
      { _id: 5, v: [1, 2] }, { _id: 6, v: null }, { _id: 7, v: new Date() }, { _id: 8, v: Decimal128.fromString('1') },
    ]);
    const ids = async (type: unknown) => (await coll.find({ v: { $type: type as 'string' } }).toArray()).map((d) => d._id);
    expect(await ids('string')).toEqual([3]);
    expect(await ids('objectId')).toEqual([4]);
    expect(await ids('array')).toEqual([5]);
    expect(await ids('null')).toEqual([6]);
    expect(await ids('date')).toEqual([7]);
    expect(await ids('decimal')).toEqual([8]);
    expect(await ids('number')).toEqual([1, 2, 5, 8]);
    expect(await ids(2)).toEqual([3]);
  });
});
