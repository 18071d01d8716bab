/**
 * A collection: its documents in natural (insertion) order keyed by the canonical `_id`, its
 * secondary indexes kept in step with every write, and the rules that guard writes (unique keys,
 * document validation, capped size). Documents are never mutated in place: a write swaps in a new
 * object, so cursors keep consistent snapshots and a failed write leaves nothing half-done.
 */
import { randomUUID } from 'node:crypto';
import { Query } from 'mingo/query';
import { UUID } from 'bson';
import { ErrorCodes, MongoError } from './errors.mjs';
import { HashIndex } from './hash-index.mjs';
import { canonicalKey } from './index-keys.mjs';
import { mingoOptions } from './mingo-context.mjs';
import { candidateDocuments } from './query-plan.mjs';
import { renderDocument } from './render.mjs';

export const ID_INDEX_NAME = '_id_';

export function duplicateKeyError(ns, indexName, keyPattern, keyValue) {
  return new MongoError(
    ErrorCodes.DuplicateKey,
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${renderDocument(keyValue, { spaced: true })}`,
    { keyPattern, keyValue },
  );
}

export class Collection {
  constructor(dbName, name, options = {}) {
    this.dbName = dbName;
    this.name = name;
    this.options = options;
    this.uuid = new UUID(randomUUID());
    this.createdAt = new Date();
    /** @type {Map<string, object>} canonical _id key -> document */
    this.docs = new Map();
    /** @type {Map<string, HashIndex>} secondary indexes by name */
    this.indexes = new Map();
    this.compileValidator();
  }

  get ns() {
    return `${this.dbName}.${this.name}`;
  }

  get isView() {
    return false;
  }

  compileValidator() {
    const validator = this.options.validator;
    this.validator = validator && Object.keys(validator).length > 0 ? new Query(validator, mingoOptions()) : null;
  }

  findById(id) {
    return this.docs.get(canonicalKey(id));
  }

  /** Documents worth testing against `filter` (index lookups where possible). */
  candidates(filter) {
    return candidateDocuments(this, filter);
  }

  /**
   * Enforces the collection's validator. `previous` is the stored version for updates:
   * validationLevel "moderate" leaves documents alone that were already invalid.
   */
  validate(doc, previous, { bypass = false } = {}) {
    if (!this.validator || bypass) return;
    const level = this.options.validationLevel ?? 'strict';
    if (level === 'off') return;
    if (level === 'moderate' && previous && !this.validator.test(previous)) return;
    if (this.validator.test(doc)) return;
    if ((this.options.validationAction ?? 'error') === 'warn') return;
    const validator = this.options.validator;
    const operatorName = Object.keys(validator).length === 1 && validator.$jsonSchema ? '$jsonSchema' : '$and';
    throw new MongoError(ErrorCodes.DocumentValidationFailure, 'Document failed validation', {
      errInfo: {
        failingDocumentId: doc._id,
        details: { operatorName, specifiedAs: validator, reason: 'the document does not match the validator' },
      },
    });
  }

  /** Throws E11000 when `doc` would collide with another document in any unique index. */
  checkUnique(doc, idKey) {
    for (const index of this.indexes.values()) {
      const conflict = index.findConflict(doc, idKey);
      if (conflict) throw duplicateKeyError(this.ns, index.name, index.keyPattern, conflict.keyValue);
    }
  }

  insert(doc) {
    const idKey = canonicalKey(doc._id);
    if (this.docs.has(idKey)) throw duplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    this.checkUnique(doc, idKey);
    this.docs.set(idKey, doc);
    for (const index of this.indexes.values()) index.add(doc, idKey);
    this.enforceCappedMax();
  }

  /** Swaps `next` in for `previous` (same `_id`), keeping its place in natural order. */
  replace(previous, next) {
    const idKey = canonicalKey(previous._id);
    this.checkUnique(next, idKey);
    for (const index of this.indexes.values()) {
      index.remove(previous, idKey);
      index.add(next, idKey);
    }
    this.docs.set(idKey, next);
  }

  remove(doc) {
    const idKey = canonicalKey(doc._id);
    if (!this.docs.delete(idKey)) return false;
    for (const index of this.indexes.values()) index.remove(doc, idKey);
    return true;
  }

  /** Empties the collection, keeping its indexes' definitions. */
  truncate() {
    this.docs.clear();
    for (const index of this.indexes.values()) index.clear();
  }

  /** Builds a new index over the existing documents; fails (and adds nothing) on duplicates. */
  addIndex(spec) {
    const index = new HashIndex(spec);
    for (const [idKey, doc] of this.docs) {
      const conflict = index.findConflict(doc, idKey);
      if (conflict) {
        const cause = duplicateKeyError(this.ns, index.name, index.keyPattern, conflict.keyValue);
        throw new MongoError(
          ErrorCodes.DuplicateKey,
          `Index build failed: ${this.uuid.toHexString()}: Collection ${this.ns} ( ${this.uuid.toHexString()} ) :: caused by :: ${cause.message}`,
          cause.extra,
        );
      }
      index.add(doc, idKey);
    }
    this.indexes.set(index.name, index);
    return index;
  }

  /** All index descriptions, `_id_` first, as listIndexes reports them. */
  describeIndexes() {
    return [{ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }, ...[...this.indexes.values()].map((index) => index.describe())];
  }

  /** Capped collections with `max` drop their oldest documents (byte size is not tracked). */
  enforceCappedMax() {
    const max = this.options.capped ? Number(this.options.max) : 0;
    if (!(max > 0)) return;
    while (this.docs.size > max) {
      const oldest = this.docs.values().next().value;
      this.remove(oldest);
    }
  }

  /** Deletes documents whose TTL index date has passed; returns how many. */
  expire(now) {
    let removed = 0;
    for (const index of this.indexes.values()) {
      if (!index.isTtl) continue;
      const cutoff = now - Number(index.spec.expireAfterSeconds) * 1000;
      const parts = index.fieldParts[0];
      for (const doc of [...this.docs.values()]) {
        const expiresFrom = earliestDate(valueAt(doc, parts));
        if (expiresFrom !== null && expiresFrom <= cutoff && this.remove(doc)) removed += 1;
      }
    }
    return removed;
  }
}

function valueAt(doc, parts) {
  let value = doc;
  for (const part of parts) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

/** A TTL index on an array of dates expires the document at the earliest one. */
function earliestDate(value) {
  const dates = (Array.isArray(value) ? value : [value]).filter((v) => v instanceof Date);
  if (dates.length === 0) return null;
  return Math.min(...dates.map((d) => d.getTime()));
}

/** A view: a stored pipeline over another namespace of the same database. */
export class View {
  constructor(dbName, name, options) {
    this.dbName = dbName;
    this.name = name;
    this.options = options;
    this.uuid = new UUID(randomUUID());
  }

  get ns() {
    return `${this.dbName}.${this.name}`;
  }

  get isView() {
    return true;
  }
}
