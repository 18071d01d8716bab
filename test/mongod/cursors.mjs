/**
 * Server-side cursors. A find or aggregate materializes its result and hands it out in batches:
 * the first batch with the command, the rest through getMore. Batches stop at the requested size
 * or near 16 MiB of BSON, like mongod's, so replies stay under maxMessageSizeBytes.
 */
import { calculateObjectSize, Long } from 'bson';
import { ErrorCodes, MongoError } from './errors.mjs';

const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const DEFAULT_FIRST_BATCH = 101;
/** mongod's cursorTimeoutMillis default: idle cursors die after 10 minutes. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export class CursorRegistry {
  constructor() {
    /** @type {Map<number, {ns: string, docs: object[], position: number, lastUsed: number}>} */
    this.cursors = new Map();
    // Ids are random 52-bit numbers (exact as JS numbers and as int64), never 0.
    this.nextId = Math.floor(Math.random() * 2 ** 40) + 1;
  }

  /**
   * Returns the first batch and registers a cursor for the rest (id 0 when nothing is left).
   * @param {{batchSize?: number, singleBatch?: boolean}} options
   */
  open(ns, docs, { batchSize, singleBatch = false } = {}) {
    const size = batchSize === undefined || batchSize === null ? DEFAULT_FIRST_BATCH : Number(batchSize);
    const first = takeBatch(docs, 0, size);
    let id = 0;
    if (!singleBatch && first.end < docs.length) {
      id = this.nextId;
      this.nextId += 1;
      this.cursors.set(id, { ns, docs, position: first.end, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch: first.batch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(ns, id, batchSize) {
    const cursorId = typeof id === 'number' ? id : Number(id);
    const cursor = this.cursors.get(cursorId);
    if (!cursor) throw new MongoError(ErrorCodes.CursorNotFound, `cursor id ${cursorId} not found`);
    if (cursor.ns !== ns) {
      throw new MongoError(ErrorCodes.Unauthorized, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    const size = batchSize === undefined || batchSize === null || Number(batchSize) <= 0 ? Infinity : Number(batchSize);
    const next = takeBatch(cursor.docs, cursor.position, size);
    cursor.position = next.end;
    cursor.lastUsed = Date.now();
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(cursorId);
    return { cursor: { nextBatch: next.batch, id: Long.fromNumber(exhausted ? 0 : cursorId), ns }, ok: 1 };
  }

  kill(ids) {
    const killed = [];
    const notFound = [];
    for (const id of ids) {
      const cursorId = Number(id);
      if (this.cursors.delete(cursorId)) killed.push(Long.fromNumber(cursorId));
      else notFound.push(Long.fromNumber(cursorId));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** Drops cursors idle longer than mongod's default timeout. */
  reap(now = Date.now()) {
    for (const [id, cursor] of this.cursors) if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(id);
  }
}

function takeBatch(docs, start, size) {
  const batch = [];
  let bytes = 0;
  let end = start;
  while (end < docs.length && batch.length < size) {
    const doc = docs[end];
    const docBytes = calculateObjectSize(doc, { ignoreUndefined: true });
    if (batch.length > 0 && bytes + docBytes > MAX_BATCH_BYTES) break;
    bytes += docBytes;
    batch.push(doc);
    end += 1;
  }
  return { batch, end };
}
