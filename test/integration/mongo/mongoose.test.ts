/**
 * Conformance through Mongoose: the calls the application's models make (index builds, saves
 * with versioning, upserts, populate, bulk writes, cursors) behave as on mongod.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type ConformanceDb } from './conformance-db.js';

let conf: ConformanceDb;
let connection: Connection;

const accountSchema = new Schema({
  email: { type: String, required: true, unique: true },
  name: String,
  balance: { type: Schema.Types.Decimal128, default: () => mongoose.Types.Decimal128.fromString('0') },
  tags: [String],
  settings: { type: Map, of: String },
  addresses: [{ city: String, primary: Boolean }],
}, { timestamps: true });
accountSchema.index({ name: 1, createdAt: -1 });

const postSchema = new Schema({
  title: String,
  author: { type: Schema.Types.ObjectId, ref: 'Account' },
  tokenExpiresAt: { type: Date, expires: 3600 },
});

beforeAll(async () => {
  conf = await openConformanceDb('mongoose');
  connection = await mongoose.createConnection(`${conf.uri}${conf.dbName}`, { autoIndex: true }).asPromise();
  connection.model('Account', accountSchema);
  connection.model('Post', postSchema);
  await Promise.all([connection.model('Account').init(), connection.model('Post').init()]);
});

afterAll(async () => {
  await connection?.close();
  await conf?.close();
});

const Account = () => connection.model('Account');
const Post = () => connection.model('Post');

describe('Mongoose models', () => {
  it('builds the schema indexes, TTL included', async () => {
    const accountIndexes = await Account().listIndexes();
    expect(accountIndexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_1', 'name_1_createdAt_-1']);
    expect(accountIndexes.find((i) => i.name === 'email_1')?.unique).toBe(true);
    const postIndexes = await Post().listIndexes();
    expect(postIndexes.find((i) => i.name === 'tokenExpiresAt_1')?.expireAfterSeconds).toBe(3600);
  });

  it('creates, reads and updates documents with timestamps and types', async () => {
    const created = await Account().create({ email: 'ada@example.com', name: 'Ada', tags: ['a'], settings: { theme: 'dark' } });
    expect(created.createdAt).toBeInstanceOf(Date);
    const found: any = await Account().findById(created._id).lean();
    expect(found).toMatchObject({ email: 'ada@example.com', name: 'Ada', tags: ['a'], settings: { theme: 'dark' } });
    expect(found?.balance?.toString()).toBe('0');
    await Account().updateOne({ _id: created._id }, { $inc: { balance: mongoose.Types.Decimal128.fromString('2.5') } });
    const afterIncrement: any = await Account().findById(created._id).lean();
    expect(afterIncrement?.balance?.toString()).toBe('2.5');
    const updated = await Account().findOneAndUpdate({ email: 'ada@example.com' }, { $push: { tags: 'b' }, name: 'Ada L.' }, { new: true });
    expect(updated?.tags).toEqual(['a', 'b']);
    expect(updated?.name).toBe('Ada L.');
    expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
  });

  it('surfaces duplicate keys as MongoServerError 11000 with keyValue', async () => {
    await Account().create({ email: 'dup@example.com' });
    const error = await rejectionOf(() => Account().create({ email: 'dup@example.com' }));
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ email: 'dup@example.com' });
    const bulk = await rejectionOf(() => Account().insertMany([{ email: 'n1@example.com' }, { email: 'dup@example.com' }, { email: 'n2@example.com' }], { ordered: false }));
    expect(bulk.code).toBe(11000);
    expect(await Account().countDocuments({ email: { $in: ['n1@example.com', 'n2@example.com'] } })).toBe(2);
  });

  it('detects concurrent edits of an array through the version key', async () => {
    const doc = await Account().create({ email: 'versioned@example.com', addresses: [{ city: 'A' }, { city: 'B' }] });
    const first = await Account().findById(doc._id);
    const second = await Account().findById(doc._id);
    first!.addresses.splice(0, 1);
    await first!.save();
    second!.addresses[1].city = 'C';
    const error = await rejectionOf(() => second!.save());
    expect(error.name).toBe('VersionError');
  });

  it('upserts with findOneAndUpdate and updates array elements positionally', async () => {
    const upserted = await Account().findOneAndUpdate(
      { email: 'upsert@example.com' },
      { $setOnInsert: { name: 'Fresh' }, $set: { addresses: [{ city: 'X', primary: false }, { city: 'Y', primary: false }] } },
      { upsert: true, new: true },
    );
    expect(upserted?.name).toBe('Fresh');
    await Account().updateOne({ email: 'upsert@example.com', 'addresses.city': 'Y' }, { $set: { 'addresses.$.primary': true } });
    await Account().updateOne({ email: 'upsert@example.com' }, { $set: { 'addresses.$[a].city': 'Z' } }, { arrayFilters: [{ 'a.city': 'X' }] });
    const doc: any = await Account().findOne({ email: 'upsert@example.com' }).lean();
    expect(doc?.addresses.map((a: { city: string; primary: boolean }) => [a.city, a.primary])).toEqual([['Z', false], ['Y', true]]);
  });

  it('populates references', async () => {
    const author = await Account().create({ email: 'author@example.com', name: 'Writer' });
    await Post().create([{ title: 'one', author: author._id }, { title: 'two', author: author._id }]);
    const posts = await Post().find({ author: author._id }).populate('author', 'name').sort({ title: 1 }).lean();
    expect(posts.map((p) => [p.title, (p.author as { name: string }).name])).toEqual([['one', 'Writer'], ['two', 'Writer']]);
  });

  it('queries with sort, skip, limit, select, exists, distinct and counts', async () => {
    await Account().insertMany(Array.from({ length: 12 }, (_, i) => ({ email: `page${i}@example.com`, name: `P${String(i).padStart(2, '0')}` })));
    const page = await Account().find({ name: /^P/ }).sort({ name: -1 }).skip(2).limit(3).select('name -_id').lean();
    expect(page).toEqual([{ name: 'P09' }, { name: 'P08' }, { name: 'P07' }]);
    expect(await Account().exists({ email: 'page3@example.com' })).toMatchObject({ _id: expect.anything() });
    expect(await Account().exists({ email: 'nobody@example.com' })).toBeNull();
    expect((await Account().distinct('name', { name: /^P0[0-2]$/ })).sort()).toEqual(['P00', 'P01', 'P02']);
    expect(await Account().countDocuments({ name: /^P/ })).toBe(12);
    expect(await Account().estimatedDocumentCount()).toBeGreaterThanOrEqual(12);
  });

  it('streams a query through a cursor', async () => {
    const names: string[] = [];
    for await (const doc of Account().find({ name: /^P/ }).sort({ name: 1 }).batchSize(5).cursor()) names.push(doc.name);
    expect(names).toHaveLength(12);
    expect(names[0]).toBe('P00');
  });

  it('runs bulkWrite, aggregate and deleteMany', async () => {
    const result = await Account().bulkWrite([
      { insertOne: { document: { email: 'bulk1@example.com', name: 'Bulk' } } },
      { updateOne: { filter: { email: 'bulk1@example.com' }, update: { $set: { name: 'Bulk One' } } } },
      { updateOne: { filter: { email: 'bulk2@example.com' }, update: { $set: { name: 'Bulk Two' } }, upsert: true } },
      { deleteOne: { filter: { email: 'page0@example.com' } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 1, matchedCount: 1, modifiedCount: 1, upsertedCount: 1, deletedCount: 1 });
    const [summary] = await Account().aggregate([{ $match: { name: /^Bulk/ } }, { $group: { _id: null, names: { $addToSet: '$name' } } }]);
    expect(summary.names.sort()).toEqual(['Bulk One', 'Bulk Two']);
    expect((await Account().deleteMany({ name: /^P/ })).deletedCount).toBe(11);
  });

  it('syncs indexes, dropping ones the schema no longer declares', async () => {
    await Account().collection.createIndex({ legacy: 1 });
    const dropped = await Account().syncIndexes();
    expect(dropped).toEqual(['legacy_1']);
    expect((await Account().listIndexes()).map((i) => i.name).sort()).toEqual(['_id_', 'email_1', 'name_1_createdAt_-1']);
  });
});
