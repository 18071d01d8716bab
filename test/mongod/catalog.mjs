/**
 * The catalog: databases, their collections and views, created implicitly by the first write as
 * mongod does. Namespace rules (names mongod refuses) live here too.
 */
import { ErrorCodes, MongoError } from './errors.mjs';
import { Collection, View } from './collection.mjs';
import { compareValues } from './bson-values.mjs';

const DB_NAME_FORBIDDEN = /[/\\. "$*<>:|?\0]/;

export function validateDbName(name) {
  if (typeof name !== 'string' || name.length === 0 || name.length >= 64 || DB_NAME_FORBIDDEN.test(name)) {
    throw new MongoError(ErrorCodes.InvalidNamespace, `Invalid database name: '${name}'`);
  }
}

/** System collections clients may create or write themselves. */
const WRITABLE_SYSTEM = new Set(['system.js', 'system.profile', 'system.users', 'system.views']);

export function validateCollectionName(dbName, name) {
  if (typeof name !== 'string') {
    throw new MongoError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${typeof name}`);
  }
  if (name.length === 0 || name.includes('\0') || name.includes('$') || name.startsWith('.')
    || (name.startsWith('system.') && !WRITABLE_SYSTEM.has(name))) {
    throw new MongoError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${dbName}.${name}`);
  }
}

function sameOptions(a, b) {
  const keys = Object.keys(a).sort();
  const otherKeys = Object.keys(b).sort();
  return keys.length === otherKeys.length
    && keys.every((key, i) => key === otherKeys[i] && compareValues(a[key], b[key]) === 0);
}

export class Catalog {
  constructor() {
    /** @type {Map<string, Map<string, Collection|View>>} */
    this.databases = new Map();
  }

  collectionsOf(dbName) {
    return this.databases.get(dbName) ?? new Map();
  }

  get(dbName, name) {
    return this.databases.get(dbName)?.get(name);
  }

  /** The collection `name`, or undefined; views are refused for commands that need a collection. */
  getCollection(dbName, name) {
    const entry = this.get(dbName, name);
    if (entry?.isView) {
      throw new MongoError(ErrorCodes.CommandNotSupportedOnView, `Namespace ${entry.ns} is a view, not a collection`);
    }
    return entry;
  }

  /** The collection a write goes to, created on first use like mongod's implicit creation. */
  getOrCreateCollection(dbName, name) {
    const existing = this.getCollection(dbName, name);
    if (existing) return existing;
    validateDbName(dbName);
    validateCollectionName(dbName, name);
    const collection = new Collection(dbName, name);
    this.add(collection);
    return collection;
  }

  add(entry) {
    let db = this.databases.get(entry.dbName);
    if (!db) {
      db = new Map();
      this.databases.set(entry.dbName, db);
    }
    db.set(entry.name, entry);
  }

  /**
   * Creates a collection or view. Since 7.0 mongod answers success when the namespace already
   * exists with identical options, and NamespaceExists when the options differ.
   */
  create(dbName, name, options) {
    validateDbName(dbName);
    validateCollectionName(dbName, name);
    const existing = this.get(dbName, name);
    if (existing) {
      if (sameOptions(existing.options, options)) return existing;
      throw new MongoError(ErrorCodes.NamespaceExists, `namespace ${dbName}.${name} already exists, but with different options`);
    }
    const entry = options.viewOn !== undefined ? new View(dbName, name, options) : new Collection(dbName, name, options);
    this.add(entry);
    return entry;
  }

  drop(dbName, name) {
    const db = this.databases.get(dbName);
    if (!db?.has(name)) return undefined;
    const entry = db.get(name);
    db.delete(name);
    if (db.size === 0) this.databases.delete(dbName);
    return entry;
  }

  dropDatabase(dbName) {
    this.databases.delete(dbName);
  }

  /** Moves a collection to another name (and possibly database), keeping documents and indexes. */
  rename(source, targetDb, targetName) {
    validateDbName(targetDb);
    validateCollectionName(targetDb, targetName);
    this.drop(source.dbName, source.name);
    source.dbName = targetDb;
    source.name = targetName;
    this.add(source);
  }

  /**
   * The collection a read on `name` scans and the view pipeline applied on top (views may be
   * defined on views). A missing namespace gives collection undefined: reads see no documents.
   */
  resolveReadSource(dbName, name, depth = 0) {
    const entry = this.get(dbName, name);
    if (!entry?.isView) return { collection: entry, pipeline: [] };
    if (depth > 20) throw new MongoError(ErrorCodes.InvalidOptions, `View depth too deep or view cycle detected; maximum depth is 20`);
    const inner = this.resolveReadSource(dbName, entry.options.viewOn, depth + 1);
    return { collection: inner.collection, pipeline: [...inner.pipeline, ...(entry.options.pipeline ?? [])] };
  }
}
