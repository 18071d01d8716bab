/**
 * The server and database a conformance file runs against. Under the project's vitest config the
 * global setup has already chosen a MongoDB (`startMongo`: MONGO_URL, a real mongod, or the
 * stand-in) and provides its URI; run on its own, a file starts one itself. Each file works in
 * its own database and drops it afterwards, so the suite also runs against a shared real server.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db, type ObjectId } from 'mongodb';
import { inject } from 'vitest';
import { startMongo } from '../../support/mongo-server.js';

/** Documents of any shape whose `_id` may be any scalar (the driver's default typing assumes ObjectId). */
export type AnyDoc = { _id?: ObjectId | string | number | boolean | Date | null; [field: string]: any };

export interface ConformanceDb {
  client: MongoClient;
  db: Db;
  dbName: string;
  /** Server URI ending in `/`. */
  uri: string;
  close(): Promise<void>;
}

function providedUri(): string | undefined {
  try {
    return inject('mongoUrl') || undefined;
  } catch {
    return undefined;
  }
}

export async function openConformanceDb(label: string): Promise<ConformanceDb> {
  let uri = providedUri();
  let stopServer = async () => {};
  if (!uri) {
    const mongo = await startMongo();
    uri = mongo.uri;
    stopServer = mongo.stop;
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const dbName = `conf_${label}_${randomBytes(4).toString('hex')}`;
  return {
    client,
    db: client.db(dbName),
    dbName,
    uri,
    close: async () => {
      try {
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
        await stopServer();
      }
    },
  };
}

/** Runs `fn` and returns the error it throws (failing the test when it does not throw). */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
