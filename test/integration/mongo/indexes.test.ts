/**
 * Conformance: index management and the constraints indexes enforce — unique (single, compound,
 * sparse, partial) on every kind of write, failed unique builds, and TTL expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('idx');
});

afterAll(async () => {
  await conf?.close();
});

describe('createIndexes, listIndexes, dropIndexes', () => {
  it('creates indexes, lists them and reports the counts', async () => {
    const coll = conf.db.collection<AnyDoc>('managed');
    const reply = await conf.db.command({
      createIndexes: 'managed',
      indexes: [
        { key: { a: 1 }, name: 'a_1' },
        { key: { b: -1, c: 1 }, name: 'b_-1_c_1', unique: true },
      ],
    });
    expect(reply).toMatchObject({ ok: 1, numIndexesBefore: 1, numIndexesAfter: 3, createdCollectionAutomatically: true });
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map((i) => ({ name: i.name, key: i.key, unique: i.unique }))).toEqual([
      { name: '_id_', key: { _id: 1 }, unique: undefined },
      { name: 'a_1', key: { a: 1 }, unique: undefined },
      { name: 'b_-1_c_1', key: { b: -1, c: 1 }, unique: true },
    ]);
    const again = await conf.db.command({ createIndexes: 'managed', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(again).toMatchObject({ numIndexesBefore: 3, numIndexesAfter: 3 });
  });

  it('refuses conflicting definitions', async () => {
    const coll = conf.db.collection<AnyDoc>('conflicts');
    await coll.createIndex({ a: 1 }, { name: 'by_a' });
    const sameKeyOtherName = await rejectionOf(() => coll.createIndex({ a: 1 }, { name: 'other_name' }));
    expect(sameKeyOtherName.code).toBe(85);
    const sameNameOtherKey = await rejectionOf(() => coll.createIndex({ b: 1 }, { name: 'by_a' }));
    expect(sameNameOtherKey.code).toBe(86);
    const badOption = await rejectionOf(() => conf.db.command({ createIndexes: 'conflicts', indexes: [{ key: { c: 1 }, name: 'c_1', notAnOption: true }] }));
    expect(badOption.code).toBe(197);
  });

  it('drops indexes by name, by key pattern and all at once, never _id', async () => {
    const coll = conf.db.collection<AnyDoc>('dropping');
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }, { key: { d: 1 } }]);
    await coll.dropIndex('a_1');
    await conf.db.command({ dropIndexes: 'dropping', index: { b: 1 } });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'c_1', 'd_1']);
    const missing = await rejectionOf(() => coll.dropIndex('nope_1'));
    expect(missing.code).toBe(27);
    const idIndex = await rejectionOf(() => coll.dropIndex('_id_'));
    expect(idIndex.code).toBe(72);
    const reply = await conf.db.command({ dropIndexes: 'dropping', index: '*' });
    expect(reply.nIndexesWas).toBe(3);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('answers listIndexes on a missing collection with NamespaceNotFound', async () => {
    const error = await rejectionOf(() => conf.db.collection<AnyDoc>('no_such_collection').listIndexes().toArray());
    expect(error.code).toBe(26);
  });

  it('accepts a hint naming an index and refuses one that does not exist', async () => {
    const coll = conf.db.collection<AnyDoc>('hinted');
    await coll.insertMany([{ a: 1 }, { a: 2 }]);
    await coll.createIndex({ a: 1 });
    expect(await coll.find({ a: 2 }).hint('a_1').toArray()).toHaveLength(1);
    expect(await coll.find({ a: 2 }).hint({ a: 1 }).toArray()).toHaveLength(1);
    const error = await rejectionOf(() => coll.find({ a: 2 }).hint('zzz_1').toArray());
    expect(error.code).toBe(2);
  });
});

describe('unique indexes', () => {
  it('rejects a duplicate insert with E11000, keyPattern and keyValue', async () => {
    const coll = conf.db.collection<AnyDoc>('users');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'ada@example.com' });
    const error = await rejectionOf(() => coll.insertOne({ email: 'ada@example.com' }));
    expect(error.code).toBe(11000);
    expect(error.message).toBe(`E11000 duplicate key error collection: ${conf.dbName}.users index: email_1 dup key: { email: "ada@example.com" }`);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'ada@example.com' });
  });

  it('rejects duplicates made by update, upsert and findAndModify alike', async () => {
    const coll = conf.db.collection<AnyDoc>('users');
    await coll.insertOne({ email: 'bob@example.com' });
    const byUpdate = await rejectionOf(() => coll.updateOne({ email: 'bob@example.com' }, { $set: { email: 'ada@example.com' } }));
    expect(byUpdate.code).toBe(11000);
    expect(byUpdate.keyValue).toEqual({ email: 'ada@example.com' });
    const byUpsert = await rejectionOf(() => coll.updateOne({ email: 'ada@example.com', missing: true }, { $set: { x: 1 } }, { upsert: true }));
    expect(byUpsert.code).toBe(11000);
    const byFindAndModify = await rejectionOf(() => coll.findOneAndUpdate({ email: 'bob@example.com' }, { $set: { email: 'ada@example.com' } }));
    expect(byFindAndModify.code).toBe(11000);
    expect(byFindAndModify.keyPattern).toEqual({ email: 1 });
    expect(byFindAndModify.keyValue).toEqual({ email: 'ada@example.com' });
    const byReplace = await rejectionOf(() => coll.replaceOne({ email: 'bob@example.com' }, { email: 'ada@example.com' }));
    expect(byReplace.code).toBe(11000);
    expect(await coll.countDocuments({ email: 'bob@example.com' })).toBe(1);
  });

  it('treats missing fields as null in a non-sparse unique index', async () => {
    const coll = conf.db.collection<AnyDoc>('nullable');
    await coll.createIndex({ nick: 1 }, { unique: true });
    await coll.insertOne({ name: 'first' });
    const error = await rejectionOf(() => coll.insertOne({ name: 'second' }));
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ nick: null });
  });

  it('enforces compound uniqueness on the combination', async () => {
    const coll = conf.db.collection<AnyDoc>('compound');
    await coll.createIndex({ tenant: 1, slug: 1 }, { unique: true });
    await coll.insertMany([{ tenant: 'a', slug: 'x' }, { tenant: 'b', slug: 'x' }, { tenant: 'a', slug: 'y' }]);
    const error = await rejectionOf(() => coll.insertOne({ tenant: 'a', slug: 'x' }));
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ tenant: 1, slug: 1 });
    expect(error.keyValue).toEqual({ tenant: 'a', slug: 'x' });
    expect(error.message).toContain('dup key: { tenant: "a", slug: "x" }');
  });

  it('skips documents without the field in a sparse unique index', async () => {
    const coll = conf.db.collection<AnyDoc>('sparse');
    await coll.createIndex({ code: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ name: 'no code 1' }, { name: 'no code 2' }, { code: 'A' }]);
    expect((await rejectionOf(() => coll.insertOne({ code: 'A' }))).code).toBe(11000);
  });

  it('only constrains documents matching a partial index filter', async () => {
    const coll = conf.db.collection<AnyDoc>('partial');
    await coll.createIndex({ phone: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([{ phone: '1', active: false }, { phone: '1', active: false }, { phone: '1', active: true }]);
    expect((await rejectionOf(() => coll.insertOne({ phone: '1', active: true }))).code).toBe(11000);
    const [index] = (await coll.listIndexes().toArray()).filter((i) => i.name === 'phone_1');
    expect(index.partialFilterExpression).toEqual({ active: true });
  });

  it('indexes each element of an array (multikey) for uniqueness', async () => {
    const coll = conf.db.collection<AnyDoc>('tags');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ tags: ['a', 'b', 'b'] });
    const error = await rejectionOf(() => coll.insertOne({ tags: ['c', 'b'] }));
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ tags: 'b' });
  });

  it('fails to build a unique index over existing duplicates and keeps no index', async () => {
    const coll = conf.db.collection<AnyDoc>('dirty');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    const error = await rejectionOf(() => coll.createIndex({ k: 1 }, { unique: true }));
    expect(error.code).toBe(11000);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('reports each duplicate in an unordered insertMany and keeps the rest', async () => {
    const coll = conf.db.collection<AnyDoc>('bulk_unique');
    await coll.createIndex({ u: 1 }, { unique: true });
    const error = await rejectionOf(() => coll.insertMany([{ u: 1 }, { u: 1 }, { u: 2 }, { u: 2 }, { u: 3 }], { ordered: false }));
    expect(error.code).toBe(11000);
    expect(error.writeErrors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
    expect(error.insertedCount).toBe(3);
    expect(await coll.countDocuments()).toBe(3);
  });
});

describe('TTL indexes', () => {
  // mongod's TTL monitor runs every ttlMonitorSleepSecs (60 s by default, and a running mongod may
  // finish its current sleep first); the stand-in sweeps every second, so this is fast there.
  it('expires documents past expireAfterSeconds', { timeout: 90_000 }, async () => {
    const admin = conf.db.admin();
    const { ttlMonitorSleepSecs: previous } = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });
    await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    try {
      const coll = conf.db.collection<AnyDoc>('sessions');
      await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 1 });
      const old = new Date(Date.now() - 60_000);
      await coll.insertMany([
        { name: 'expired', createdAt: old },
        { name: 'fresh', createdAt: new Date(Date.now() + 3_600_000) },
        { name: 'not a date', createdAt: 'yesterday' },
        { name: 'array of dates', createdAt: [new Date(Date.now() + 3_600_000), old] },
      ]);
      const deadline = Date.now() + 75_000;
      while (Date.now() < deadline && (await coll.countDocuments()) > 2) await new Promise((r) => setTimeout(r, 100));
      expect((await coll.find({}, { projection: { _id: 0, name: 1 } }).toArray()).map((d) => d.name).sort()).toEqual(['fresh', 'not a date']);
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorSleepSecs: previous });
    }
  });
});
