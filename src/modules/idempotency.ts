/**
 * `Idempotency-Key` (contract §3): within 24 h, the same key and the same body from the same
 * client get the first answer again; the same key with another body is a 409. Concurrent retries
 * are safe: a unique index lets exactly one of them run, the others wait for its answer.
 * Failed requests are not remembered, so a corrected retry runs afresh.
 */
import { createHash } from 'node:crypto';
import type { Models } from '../db/models.js';
import { AppError } from '../errors.js';

export interface Answer<T> {
  statusCode: number;
  body: T;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const WAIT_FOR_FIRST_MS = 30_000;

/** Key order does not change the meaning of a JSON body, so it must not change its hash. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export const bodyHash = (body: unknown) => createHash('sha256').update(JSON.stringify(canonical(body) ?? null)).digest('hex');

export function idempotencyKeyFrom(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!KEY_PATTERN.test(key)) {
    throw new AppError('validation_error', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters.', {
      details: [{ field: 'idempotency-key', in: 'headers', message: 'must be 1 to 255 printable ASCII characters' }],
    });
  }
  return key;
}

export function createIdempotency(models: Pick<Models, 'IdempotencyRecord'>) {
  const { IdempotencyRecord } = models;

  async function awaitFirst(filter: Record<string, unknown>, hash: string): Promise<Answer<unknown>> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const record = await IdempotencyRecord.findOne(filter).lean();
      if (!record) return { statusCode: 0, body: null }; // the first attempt failed and was forgotten: run again
      if (record.bodyHash !== hash) {
        throw new AppError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body; use a new key for a new request.');
      }
      if (record.statusCode) return { statusCode: record.statusCode, body: record.response };
      if (Date.now() > deadline) {
        throw new AppError('idempotency_conflict', 'A request with this Idempotency-Key is still being processed; retry in a few seconds.');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    async run<T>(clientId: string, scope: string, key: string | undefined, body: unknown, execute: () => Promise<Answer<T>>): Promise<Answer<T>> {
      if (!key) return execute();
      const hash = bodyHash(body);
      const filter = { clientId, scope, key };
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await IdempotencyRecord.create({ ...filter, bodyHash: hash });
        } catch (error) {
          if ((error as { code?: number }).code !== 11000) throw error;
          const earlier = await awaitFirst(filter, hash);
          if (earlier.statusCode) return earlier as Answer<T>;
          continue;
        }
        try {
          const answer = await execute();
          await IdempotencyRecord.updateOne(filter, { $set: { statusCode: answer.statusCode, response: answer.body } });
          return answer;
        } catch (error) {
          await IdempotencyRecord.deleteOne({ ...filter, statusCode: null });
          throw error;
        }
      }
      throw new AppError('idempotency_conflict', 'A request with this Idempotency-Key is being retried concurrently; retry in a few seconds.');
    },
  };
}
