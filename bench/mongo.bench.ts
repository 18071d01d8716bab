/**
 * How fast the MongoDB stand-in (test/mongod/mongod.mjs) serves the application's hot paths,
 * measured through Mongoose: bulk inserts into a 100,000-document collection, then updates and
 * finds by a unique indexed field, sequential and concurrent. Latencies are round trips; the
 * ping round trip is reported beside them, so "latency minus ping" estimates the server's work.
 *
 * Run: npx tsx bench/mongo.bench.ts
 */
import { performance } from 'node:perf_hooks';
import mongoose, { Schema } from 'mongoose';
import { startMongo } from '../test/support/mongo-server.js';
import { runIfMain, type BenchResult } from './support.js';

const TOTAL_DOCUMENTS = 100_000;
const INSERT_BATCH = 1_000;
const OPERATIONS = 5_000;
const CONCURRENCY = 16;

const keyOf = (i: number) => `key-${String(i).padStart(6, '0')}`;

/** A deterministic spread of document numbers, so runs touch the same keys. */
function keysToTouch(count: number): string[] {
  let seed = 12345;
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return keyOf(seed % TOTAL_DOCUMENTS);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Runs `operation` for each item with `concurrency` in flight; returns ops/s and latencies (ms). */
async function measure<T>(items: T[], concurrency: number, operation: (item: T) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++];
      const t0 = performance.now();
      await operation(item);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: items.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

export async function run(): Promise<BenchResult[]> {
  // Always the stand-in: this measures it, not whichever MongoDB the tests would pick.
  const mongo = await startMongo({ ...process.env, MONGO_URL: '', MONGO_STAND_IN: '1' });
  const connection = await mongoose.createConnection(`${mongo.uri}bench_mongo`).asPromise();
  try {
    const Item = connection.model('BenchItem', new Schema({
      key: { type: String, unique: true },
      n: Number,
      payload: String,
      createdAt: Date,
    }, { versionKey: false }));
    await Item.init();

    const insertStarted = performance.now();
    for (let start = 0; start < TOTAL_DOCUMENTS; start += INSERT_BATCH) {
      const batch = Array.from({ length: INSERT_BATCH }, (_, j) => ({
        key: keyOf(start + j), n: 0, payload: 'x'.repeat(64), createdAt: new Date(),
      }));
      await Item.insertMany(batch);
    }
    const insertsPerSecond = TOTAL_DOCUMENTS / ((performance.now() - insertStarted) / 1000);

    const db = connection.db!;
    const ping = await measure(Array.from({ length: 2_000 }), 1, () => db.admin().command({ ping: 1 }));
    const keys = keysToTouch(OPERATIONS);
    const update = (key: string) => Item.updateOne({ key }, { $inc: { n: 1 } });
    const sequentialUpdates = await measure(keys, 1, update);
    const concurrentUpdates = await measure(keys, CONCURRENCY, update);
    const find = (key: string) => Item.findOne({ key }).lean();
    const sequentialFinds = await measure(keys, 1, find);
    const concurrentFinds = await measure(keys, CONCURRENCY, find);

    const pingNote = `ping round trip p50 ${round(ping.p50 * 1000)} µs`;
    return [
      { name: 'mongo stand-in: inserts (Mongoose insertMany, batches of 1,000, 100,000 docs, unique index)', value: round(insertsPerSecond), unit: 'docs/s' },
      { name: 'mongo stand-in: indexed updateOne by unique key, sequential', value: round(sequentialUpdates.perSecond), unit: 'ops/s', note: `p50 ${round(sequentialUpdates.p50 * 1000)} µs, p99 ${round(sequentialUpdates.p99 * 1000)} µs; ${pingNote}` },
      { name: `mongo stand-in: indexed updateOne by unique key, ${CONCURRENCY} concurrent`, value: round(concurrentUpdates.perSecond), unit: 'ops/s', note: `p50 ${round(concurrentUpdates.p50 * 1000)} µs` },
      { name: 'mongo stand-in: indexed findOne by unique key, sequential', value: round(sequentialFinds.perSecond), unit: 'ops/s', note: `p50 ${round(sequentialFinds.p50 * 1000)} µs, p99 ${round(sequentialFinds.p99 * 1000)} µs; ${pingNote}` },
      { name: `mongo stand-in: indexed findOne by unique key, ${CONCURRENCY} concurrent`, value: round(concurrentFinds.perSecond), unit: 'ops/s', note: `p50 ${round(concurrentFinds.p50 * 1000)} µs` },
    ];
  } finally {
    await connection.dropDatabase().catch(() => {});
    await connection.close();
    await mongo.stop();
  }
}

runIfMain(import.meta.url, 'mongo', run);
