/**
 * Conformance: update operators (positional ones included), upserts, replacements, pipeline
 * updates, the errors mongod raises for bad updates, delete and findAndModify.
 */
import { ObjectId, Timestamp } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('upd');
});

afterAll(async () => {
  await conf?.close();
});

const docs = () => conf.db.collection<AnyDoc>('docs');

beforeEach(async () => {
  await docs().deleteMany({});
});

async function updated(seed: object, update: object | object[], options: object = {}): Promise<Record<string, any>> {
  const { insertedId } = await docs().insertOne({ ...seed });
  await docs().updateOne({ _id: insertedId }, update as any, options);
  const { _id, ...rest } = (await docs().findOne({ _id: insertedId })) ?? {};
  return rest;
}

describe('field update operators', () => {
  it('$set, $unset, $inc, $mul, $min, $max, $rename', async () => {
    expect(await updated({ a: 1, b: 2 }, { $set: { a: 10, 'c.d': 'new' }, $unset: { b: '' } })).toEqual({ a: 10, c: { d: 'new' } });
    expect(await updated({ n: 5, m: 3 }, { $inc: { n: 2, fresh: 1 }, $mul: { m: 4, zero: 2 } })).toEqual({ n: 7, m: 12, fresh: 1, zero: 0 });
    expect(await updated({ lo: 5, hi: 5 }, { $min: { lo: 3, hi: 9 } })).toEqual({ lo: 3, hi: 5 });
    expect(await updated({ lo: 5, hi: 5 }, { $max: { lo: 3, hi: 9 } })).toEqual({ lo: 5, hi: 9 });
    expect(await updated({ old: 'v', keep: 1 }, { $rename: { old: 'renamed' } })).toEqual({ keep: 1, renamed: 'v' });
  });

  it('$currentDate sets dates and timestamps', async () => {
    const before = Date.now();
    const doc = await updated({}, { $currentDate: { at: true, ts: { $type: 'timestamp' } } });
    expect(doc.at).toBeInstanceOf(Date);
    expect((doc.at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(doc.ts).toBeInstanceOf(Timestamp);
  });

  it('adds new fields in lexicographic order after the existing ones', async () => {
    const doc = await updated({ m: 1 }, { $set: { z: 1, b: 1, a: 1 } });
    expect(Object.keys(doc)).toEqual(['m', 'a', 'b', 'z']);
  });

  it('counts only real changes in nModified', async () => {
    await docs().insertMany([{ k: 1, v: 'same' }, { k: 1, v: 'other' }]);
    const result = await docs().updateMany({ k: 1 }, { $set: { v: 'same' } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 1 });
  });
});

describe('array update operators', () => {
  it('$push with $each, $position, $sort and $slice', async () => {
    expect(await updated({ a: [1, 2] }, { $push: { a: 3 } })).toEqual({ a: [1, 2, 3] });
    expect(await updated({ a: [1, 2] }, { $push: { a: { $each: [9, 8], $position: 0 } } })).toEqual({ a: [9, 8, 1, 2] });
    expect(await updated({ a: [5, 1] }, { $push: { a: { $each: [3, 4], $sort: -1, $slice: 3 } } })).toEqual({ a: [5, 4, 3] });
    expect(await updated({ a: [{ s: 2 }, { s: 9 }] }, { $push: { a: { $each: [{ s: 5 }], $sort: { s: 1 }, $slice: -2 } } })).toEqual({ a: [{ s: 5 }, { s: 9 }] });
    expect(await updated({}, { $push: { created: 'x' } })).toEqual({ created: ['x'] });
  });

  it('$addToSet, $pop, $pull, $pullAll', async () => {
    expect(await updated({ a: [1, 2] }, { $addToSet: { a: { $each: [2, 3, 3] } } })).toEqual({ a: [1, 2, 3] });
    expect(await updated({ a: [{ x: 1 }] }, { $addToSet: { a: { x: 1 } } })).toEqual({ a: [{ x: 1 }] });
    expect(await updated({ a: [1, 2, 3] }, { $pop: { a: -1 } })).toEqual({ a: [2, 3] });
    expect(await updated({ a: [1, 2, 3] }, { $pop: { a: 1 } })).toEqual({ a: [1, 2] });
    expect(await updated({ a: [1, 5, 8, 2] }, { $pull: { a: { $gte: 5 } } })).toEqual({ a: [1, 2] });
    expect(await updated({ a: [{ k: 1, v: 'x' }, { k: 2, v: 'y' }] }, { $pull: { a: { k: 2 } } })).toEqual({ a: [{ k: 1, v: 'x' }] });
    expect(await updated({ a: [1, 2, 1, 3] }, { $pullAll: { a: [1, 3] } })).toEqual({ a: [2] });
  });

  it('updates the element the query matched with positional $', async () => {
    expect(await updated({ grades: [80, 85, 90] }, { $set: { 'grades.$': 82 } }).catch((e) => e.code)).toBe(2);
    const { insertedId } = await docs().insertOne({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] });
    await docs().updateOne({ _id: insertedId, 'items.sku': 'b' }, { $inc: { 'items.$.qty': 5 } });
    expect((await docs().findOne({ _id: insertedId }))?.items).toEqual([{ sku: 'a', qty: 1 }, { sku: 'b', qty: 6 }]);
    await docs().updateOne({ _id: insertedId, items: { $elemMatch: { sku: 'a', qty: 1 } } }, { $set: { 'items.$.seen': true } });
    expect((await docs().findOne({ _id: insertedId }))?.items[0]).toEqual({ sku: 'a', qty: 1, seen: true });
  });

  it('updates every element with $[] and the filtered ones with $[<id>]', async () => {
    expect(await updated({ a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } })).toEqual({ a: [11, 12, 13] });
    expect(await updated({ a: [1, 5, 9] }, { $set: { 'a.$[big]': 0 } }, { arrayFilters: [{ big: { $gte: 5 } }] })).toEqual({ a: [1, 0, 0] });
    const nested = await updated(
      { rows: [{ cells: [{ v: 1 }, { v: 2 }] }, { cells: [{ v: 3 }] }] },
      { $mul: { 'rows.$[].cells.$[c].v': 100 } },
      { arrayFilters: [{ 'c.v': { $gt: 1 } }] },
    );
    expect(nested).toEqual({ rows: [{ cells: [{ v: 1 }, { v: 200 }] }, { cells: [{ v: 300 }] }] });
  });
});

describe('replacement, pipeline and upsert', () => {
  it('replaces a whole document keeping its _id', async () => {
    const { insertedId } = await docs().insertOne({ a: 1, b: 2 });
    await docs().replaceOne({ _id: insertedId }, { c: 3 });
    expect(await docs().findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
  });

  it('updates with an aggregation pipeline', async () => {
    expect(await updated({ first: 'Ada', last: 'Lovelace', drop: 1 }, [
      { $set: { full: { $concat: ['$first', ' ', '$last'] } } },
      { $unset: ['drop'] },
    ])).toEqual({ first: 'Ada', last: 'Lovelace', full: 'Ada Lovelace' });
  });

  it('upserts from the query equalities, with $setOnInsert, and reports the upserted id', async () => {
    const result = await docs().updateOne(
      { tenant: 't1', 'profile.slug': 'ada', score: { $gt: 5 } },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true },
    );
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    const doc = await docs().findOne({ _id: result.upsertedId! });
    expect(doc).toEqual({ _id: result.upsertedId, tenant: 't1', profile: { slug: 'ada' }, seen: 1, createdBy: 'upsert' });
    await docs().updateOne({ tenant: 't1' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'again' } }, { upsert: true });
    expect(await docs().findOne({ tenant: 't1' }, { projection: { _id: 0, seen: 1, createdBy: 1 } })).toEqual({ seen: 2, createdBy: 'upsert' });
  });

  it('upserts a replacement taking _id from the query', async () => {
    const result = await docs().replaceOne({ _id: 'chosen' as unknown as ObjectId }, { v: 1 }, { upsert: true });
    expect(result.upsertedId).toBe('chosen');
    expect(await docs().findOne({ _id: 'chosen' as unknown as ObjectId })).toEqual({ _id: 'chosen', v: 1 });
  });

  it('reports upserts per statement in a bulk update', async () => {
    const reply = await conf.db.command({
      update: 'docs',
      updates: [
        { q: { key: 'x' }, u: { $set: { v: 1 } }, upsert: true },
        { q: { key: 'y' }, u: { $set: { v: 2 } }, upsert: true },
        { q: { key: 'x' }, u: { $set: { v: 3 } } },
      ],
    });
    expect(reply).toMatchObject({ n: 3, nModified: 1, ok: 1 });
    expect(reply.upserted.map((u: { index: number }) => u.index)).toEqual([0, 1]);
  });
});

describe('update errors', () => {
  async function updateError(seed: object, update: object, options: object = {}) {
    const { insertedId } = await docs().insertOne({ ...seed });
    return rejectionOf(() => docs().updateOne({ _id: insertedId }, update as any, options));
  }

  it('keeps _id immutable', async () => {
    expect((await updateError({}, { $set: { _id: 'changed' } })).code).toBe(66);
    const { insertedId } = await docs().insertOne({ a: 1 });
    const error = await rejectionOf(() => docs().replaceOne({ _id: insertedId }, { _id: 'other', a: 2 }));
    expect(error.code).toBe(66);
  });

  it('raises mongod\'s codes for malformed and impossible updates', async () => {
    expect((await updateError({ a: 'text' }, { $inc: { a: 1 } })).code).toBe(14);
    expect((await updateError({}, { $set: { a: 1 }, $inc: { a: 1 } })).code).toBe(40);
    expect((await updateError({ a: 5 }, { $set: { 'a.b': 1 } })).code).toBe(28);
    expect((await updateError({ a: 'x' }, { $push: { a: 1 } })).code).toBe(2);
    expect((await updateError({ a: [1] }, { $set: { 'a.$[x]': 1 } }, { arrayFilters: [{ x: 1 }, { y: 2 }] })).code).toBe(9);
    const reply = await conf.db.command({ update: 'docs', updates: [{ q: {}, u: { $bogus: { a: 1 } } }] });
    expect(reply.writeErrors[0]).toMatchObject({ index: 0, code: 9 });
  });

  it('stops an ordered bulk update at the first failing statement', async () => {
    await docs().insertMany([{ _id: 1, v: 'x' }, { _id: 2, v: 1 }] as any[]);
    const reply = await conf.db.command({
      update: 'docs',
      updates: [
        { q: { _id: 2 }, u: { $inc: { v: 1 } } },
        { q: { _id: 1 }, u: { $inc: { v: 1 } } },
        { q: { _id: 2 }, u: { $inc: { v: 1 } } },
      ],
    });
    expect(reply).toMatchObject({ n: 1, nModified: 1 });
    expect(reply.writeErrors).toEqual([expect.objectContaining({ index: 1, code: 14 })]);
    expect(await docs().findOne({ _id: 2 as any })).toEqual({ _id: 2, v: 2 });
  });
});

describe('delete', () => {
  it('deletes one or many', async () => {
    await docs().insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await docs().deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await docs().deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect(await docs().countDocuments()).toBe(1);
    const reply = await conf.db.command({ delete: 'docs', deletes: [{ q: { k: 2 }, limit: 0 }, { q: { k: 9 }, limit: 1 }] });
    expect(reply).toMatchObject({ n: 1, ok: 1 });
  });
});

describe('findAndModify', () => {
  beforeEach(async () => {
    await docs().insertMany([
      { _id: 1, queue: 'q', priority: 2, state: 'ready' },
      { _id: 2, queue: 'q', priority: 9, state: 'ready' },
      { _id: 3, queue: 'q', priority: 5, state: 'ready' },
    ] as any[]);
  });

  it('updates the first document in sort order and returns it before or after', async () => {
    const before = await docs().findOneAndUpdate({ queue: 'q' }, { $set: { state: 'taken' } }, { sort: { priority: -1 }, returnDocument: 'before' });
    expect(before).toMatchObject({ _id: 2, state: 'ready' });
    const after = await docs().findOneAndUpdate({ queue: 'q', state: 'ready' }, { $set: { state: 'taken' } }, { sort: { priority: -1 }, returnDocument: 'after', projection: { state: 1 } });
    expect(after).toEqual({ _id: 3, state: 'taken' });
  });

  it('reports lastErrorObject for updates, upserts and misses', async () => {
    const hit = await conf.db.command({ findAndModify: 'docs', query: { _id: 1 }, update: { $inc: { priority: 1 } }, new: true });
    expect(hit).toMatchObject({ ok: 1, lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, priority: 3 } });
    const miss = await conf.db.command({ findAndModify: 'docs', query: { _id: 99 }, update: { $inc: { priority: 1 } } });
    expect(miss).toMatchObject({ ok: 1, lastErrorObject: { n: 0, updatedExisting: false }, value: null });
    const upsert = await conf.db.command({ findAndModify: 'docs', query: { _id: 50 }, update: { $set: { state: 'new' } }, upsert: true, new: true });
    expect(upsert).toMatchObject({ lastErrorObject: { n: 1, updatedExisting: false, upserted: 50 }, value: { _id: 50, state: 'new' } });
  });

  it('removes and returns a document', async () => {
    const removed = await docs().findOneAndDelete({ queue: 'q' }, { sort: { priority: 1 } });
    expect(removed).toMatchObject({ _id: 1 });
    expect(await docs().countDocuments()).toBe(2);
    expect(await docs().findOneAndDelete({ queue: 'none' })).toBeNull();
  });

  it('replaces, and applies arrayFilters', async () => {
    const replaced = await docs().findOneAndReplace({ _id: 1 as any }, { queue: 'other' }, { returnDocument: 'after' });
    expect(replaced).toEqual({ _id: 1, queue: 'other' });
    await docs().updateOne({ _id: 2 as any }, { $set: { marks: [1, 7, 8] } });
    const filtered = await docs().findOneAndUpdate({ _id: 2 as any }, { $set: { 'marks.$[m]': 0 } }, { arrayFilters: [{ m: { $gt: 5 } }], returnDocument: 'after' });
    expect(filtered?.marks).toEqual([1, 0, 0]);
  });

  it('refuses contradictory options', async () => {
    const error = await rejectionOf(() => conf.db.command({ findAndModify: 'docs', query: {}, remove: true, update: { $set: { a: 1 } } }));
    expect(error.code).toBe(9);
  });
});
