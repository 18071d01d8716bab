/** Opens the MongoDB connection (Mongoose) the process uses, and nothing else. */
import mongoose, { type Connection } from 'mongoose';

// Mongoose captures a stack trace at every query, only to word the "Query was already executed"
// error better; on the send path that was ~2% of a worker's CPU. We never re-execute a query.
mongoose.set('skipOriginalStackTraces', true);

export async function connectMongo(url: string, options: { dbName?: string } = {}): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName: options.dbName,
    // Fail a request within seconds when MongoDB is away instead of buffering it for minutes.
    serverSelectionTimeoutMS: 5_000,
    bufferCommands: false,
    maxPoolSize: 20,
  });
  await connection.asPromise();
  return connection;
}

/** Answers within `timeoutMs` whether MongoDB responds to a ping. */
export async function pingMongo(connection: Connection, timeoutMs = 2_000): Promise<void> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) throw new Error('the connection is not open');
  await withTimeout(db.command({ ping: 1 }), timeoutMs, 'MongoDB did not answer a ping');
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
