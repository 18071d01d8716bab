/**
 * Conformance: creating, listing, renaming, modifying and dropping collections, views and
 * databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('ddl');
});

afterAll(async () => {
  await conf?.close();
});

async function collectionNames(): Promise<string[]> {
  return (await conf.db.listCollections({}, { nameOnly: true }).toArray() as any[]).map((c) => c.name).sort();
}

describe('create and listCollections', () => {
  it('creates a collection with options and reports them', async () => {
    await conf.db.createCollection('capped', { capped: true, size: 4096, max: 3 });
    const [info] = await conf.db.listCollections({ name: 'capped' }).toArray() as any[];
    expect(info).toMatchObject({ name: 'capped', type: 'collection', options: { capped: true, size: 4096, max: 3 } });
    expect(info.info.readOnly).toBe(false);
    expect(info.idIndex).toMatchObject({ key: { _id: 1 }, name: '_id_' });
  });

  it('accepts creating an existing collection again with the same options, not with others', async () => {
    await conf.db.createCollection('twice');
    expect((await conf.db.command({ create: 'twice' })).ok).toBe(1);
    const error = await rejectionOf(() => conf.db.command({ create: 'twice', capped: true, size: 4096 }));
    expect(error.code).toBe(48);
    expect(error.codeName).toBe('NamespaceExists');
  });

  it('creates collections implicitly on first insert', async () => {
    await conf.db.collection<AnyDoc>('implicit').insertOne({ a: 1 });
    expect(await collectionNames()).toContain('implicit');
  });

  it('filters listCollections and answers nameOnly with names and types', async () => {
    await conf.db.createCollection('filter_a');
    await conf.db.createCollection('filter_b');
    const filtered = await conf.db.listCollections({ name: { $regex: /^filter_/ } }).toArray() as any[];
    expect(filtered.map((c) => c.name).sort()).toEqual(['filter_a', 'filter_b']);
    const nameOnly = await conf.db.listCollections({ name: 'filter_a' }, { nameOnly: true }).toArray() as any[];
    expect(nameOnly).toEqual([{ name: 'filter_a', type: 'collection' }]);
  });

  it('returns listCollections through a cursor in batches', async () => {
    for (let i = 0; i < 5; i++) await conf.db.createCollection(`batched_${i}`);
    const reply = await conf.db.command({ listCollections: 1, filter: { name: { $regex: '^batched_' } }, cursor: { batchSize: 2 } });
    expect(reply.cursor.firstBatch).toHaveLength(2);
    expect(reply.cursor.ns).toBe(`${conf.dbName}.$cmd.listCollections`);
    const all = await conf.db.listCollections({ name: { $regex: '^batched_' } }, { batchSize: 2 }).toArray() as any[];
    expect(all).toHaveLength(5);
  });

  it('keeps a capped collection to its max document count', async () => {
    const capped = conf.db.collection<AnyDoc>('capped');
    for (let i = 1; i <= 5; i++) await capped.insertOne({ i });
    expect((await capped.find().toArray()).map((d) => d.i)).toEqual([3, 4, 5]);
  });
});

describe('views', () => {
  it('reads through a view and refuses writes to it', async () => {
    await conf.db.collection<AnyDoc>('people').insertMany([{ name: 'ada', age: 36 }, { name: 'bob', age: 17 }, { name: 'cy', age: 52 }]);
    await conf.db.createCollection('adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] });
    const [info] = await conf.db.listCollections({ name: 'adults' }).toArray() as any[];
    expect(info).toMatchObject({ type: 'view', options: { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] } });
    const adults = conf.db.collection<AnyDoc>('adults');
    expect((await adults.find({}, { projection: { _id: 0, name: 1 } }).sort({ name: 1 }).toArray())).toEqual([{ name: 'ada' }, { name: 'cy' }]);
    expect(await adults.countDocuments({ age: { $gt: 40 } })).toBe(1);
    expect(await adults.estimatedDocumentCount()).toBe(2);
    const error = await rejectionOf(() => adults.insertOne({ name: 'dee', age: 20 }));
    expect(error.code).toBe(166);
  });
});

describe('drop, rename and collMod', () => {
  it('drops a collection, and dropping a missing one is not an error', async () => {
    await conf.db.collection<AnyDoc>('doomed').insertOne({ a: 1 });
    expect(await conf.db.dropCollection('doomed')).toBe(true);
    expect(await collectionNames()).not.toContain('doomed');
    await conf.db.dropCollection('never_existed');
  });

  it('renames a collection keeping documents and indexes', async () => {
    const source = conf.db.collection<AnyDoc>('old_name');
    await source.insertMany([{ k: 1 }, { k: 2 }]);
    await source.createIndex({ k: 1 }, { unique: true });
    await source.rename('new_name');
    const names = await collectionNames();
    expect(names).toContain('new_name');
    expect(names).not.toContain('old_name');
    const renamed = conf.db.collection<AnyDoc>('new_name');
    expect(await renamed.countDocuments()).toBe(2);
    expect((await renamed.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'k_1']);
    expect((await rejectionOf(() => renamed.insertOne({ k: 1 }))).code).toBe(11000);
  });

  it('refuses to rename onto an existing collection unless dropTarget', async () => {
    await conf.db.collection<AnyDoc>('rename_a').insertOne({ from: 'a' });
    await conf.db.collection<AnyDoc>('rename_b').insertOne({ from: 'b' });
    const error = await rejectionOf(() => conf.db.collection<AnyDoc>('rename_a').rename('rename_b'));
    expect(error.code).toBe(48);
    await conf.db.collection<AnyDoc>('rename_a').rename('rename_b', { dropTarget: true });
    expect(await conf.db.collection<AnyDoc>('rename_b').findOne({}, { projection: { _id: 0 } })).toEqual({ from: 'a' });
  });

  it('refuses to rename a missing collection with NamespaceNotFound', async () => {
    const error = await rejectionOf(() => conf.db.collection<AnyDoc>('no_such_source').rename('whatever'));
    expect(error.code).toBe(26);
  });

  it('modifies a collection validator with collMod and enforces it', async () => {
    const coll = conf.db.collection<AnyDoc>('validated');
    await coll.insertOne({ _id: 1, x: 'text' });
    await conf.db.command({ collMod: 'validated', validator: { x: { $type: 'string' } } });
    const error = await rejectionOf(() => coll.insertOne({ _id: 2, x: 42 }));
    expect(error.code).toBe(121);
    const [info] = await conf.db.listCollections({ name: 'validated' }).toArray() as any[];
    expect(info.options.validator).toEqual({ x: { $type: 'string' } });
    await coll.insertOne({ _id: 3, x: 'fine' });
    await coll.insertOne({ _id: 4, x: 7 }, { bypassDocumentValidation: true });
    expect(await coll.countDocuments()).toBe(3);
  });

  it('enforces a $jsonSchema validator, and only warns with validationAction "warn"', async () => {
    const schema = {
      bsonType: 'object',
      required: ['name'],
      properties: { name: { bsonType: 'string', minLength: 1 }, age: { bsonType: 'int', minimum: 0 }, tags: { bsonType: 'array', items: { enum: ['a', 'b'] } } },
    };
    await conf.db.createCollection('schema_checked', { validator: { $jsonSchema: schema } });
    const coll = conf.db.collection<AnyDoc>('schema_checked');
    await coll.insertOne({ name: 'ok', age: 3, tags: ['a'] });
    for (const bad of [{ age: 3 }, { name: 'neg', age: -1 }, { name: 'str', age: 'x' }, { name: '' }, { name: 'tag', tags: ['c'] }]) {
      const error = await rejectionOf(() => coll.insertOne(bad));
      expect(error.code).toBe(121);
      expect(error.errInfo?.failingDocumentId).toBeDefined();
    }
    expect(await coll.countDocuments({ $jsonSchema: { required: ['age'] } })).toBe(1);
    await conf.db.command({ collMod: 'schema_checked', validationAction: 'warn' });
    await coll.insertOne({ age: 1 });
    expect(await coll.countDocuments()).toBe(2);
  });

  it('changes a TTL index expiry with collMod', async () => {
    const coll = conf.db.collection<AnyDoc>('ttl_mod');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    const reply = await conf.db.command({ collMod: 'ttl_mod', index: { keyPattern: { at: 1 }, expireAfterSeconds: 60 } });
    expect(reply).toMatchObject({ ok: 1, expireAfterSeconds_old: 3600, expireAfterSeconds_new: 60 });
    const index = (await coll.listIndexes().toArray()).find((i) => i.name === 'at_1');
    expect(index?.expireAfterSeconds).toBe(60);
  });

  it('drops a whole database', async () => {
    const other = conf.client.db(`${conf.dbName}_x`);
    await other.collection<AnyDoc>('c').insertOne({ a: 1 });
    await other.dropDatabase();
    const { databases } = await conf.db.admin().command({ listDatabases: 1, nameOnly: true });
    expect(databases.map((d: { name: string }) => d.name)).not.toContain(`${conf.dbName}_x`);
    expect(await other.listCollections().toArray() as any[]).toEqual([]);
  });
});
