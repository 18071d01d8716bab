/**
 * One secondary index: for every prefix of its key pattern a Map from canonical key to the ids of
 * the documents holding it, so equality lookups on any leading fields avoid a collection scan.
 * It also enforces uniqueness (with mongod's sparse and partial rules) and knows its listIndexes
 * shape. Range queries and sorts do not use it: they scan, which is fine for a test server.
 */
import { Query } from 'mingo/query';
import { compareValues } from './bson-values.mjs';
import { indexedValues, keyOfIndexedValue, pathExists } from './index-keys.mjs';
import { mingoOptions } from './mingo-context.mjs';

/** Index options mongod accepts in a createIndexes spec besides key and name. */
export const INDEX_OPTION_FIELDS = new Set([
  'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'background', 'v', 'collation',
  'hidden', 'weights', 'default_language', 'language_override', 'textIndexVersion',
  '2dsphereIndexVersion', 'bits', 'min', 'max', 'bucketSize', 'wildcardProjection', 'storageEngine',
  'ns', 'dropDups', 'prepareUnique', 'coarsestIndexedLevel', 'finestIndexedLevel',
]);

/** Options that make two indexes on the same key pattern different indexes. */
const IDENTITY_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden'];

/** Index key types that hash indexes cannot serve (their queries are not plain equality). */
const SPECIAL_TYPES = new Set(['text', '2d', '2dsphere', 'geoHaystack', 'wildcard']);

export function defaultIndexName(keyPattern) {
  return Object.entries(keyPattern).map(([field, type]) => `${field}_${type}`).join('_');
}

export class HashIndex {
  /** @param {object} spec a validated index spec ({key, name, ...options}) */
  constructor(spec) {
    this.spec = spec;
    this.name = spec.name;
    this.keyPattern = spec.key;
    this.fields = Object.keys(spec.key);
    this.fieldParts = this.fields.map((field) => field.split('.'));
    this.unique = Boolean(spec.unique);
    this.sparse = Boolean(spec.sparse);
    this.partialFilter = spec.partialFilterExpression
      ? new Query(spec.partialFilterExpression, mingoOptions())
      : null;
    this.special = Object.values(spec.key).some((type) => typeof type === 'string' && SPECIAL_TYPES.has(type));
    /** prefixMaps[i]: key of the first i+1 fields -> id key (string) or Set of id keys */
    this.prefixMaps = this.fields.map(() => new Map());
  }

  get isTtl() {
    return typeof this.spec.expireAfterSeconds === 'number' && this.fields.length === 1;
  }

  /** Whether this index holds an entry for `doc` at all (sparse and partial indexes skip some). */
  covers(doc) {
    if (this.partialFilter && !this.partialFilter.test(doc)) return false;
    if (this.sparse && !this.fieldParts.some((parts) => pathExists(doc, parts))) return false;
    return true;
  }

  /**
   * Index entries of `doc`: the cartesian product of each field's values (multikey), each as
   * {keys: [prefix key per field count], values: [raw value per field]}.
   */
  entriesOf(doc) {
    if (this.special || !this.covers(doc)) return [];
    let entries = [{ components: [], values: [] }];
    for (const parts of this.fieldParts) {
      const fieldValues = dedupe(indexedValues(doc, parts));
      const next = [];
      for (const entry of entries) {
        for (const value of fieldValues) {
          next.push({ components: [...entry.components, keyOfIndexedValue(value)], values: [...entry.values, value] });
        }
      }
      entries = next;
    }
    return entries.map(({ components, values }) => ({
      keys: components.map((_, i) => (i === 0 ? components[0] : JSON.stringify(components.slice(0, i + 1)))),
      values,
    }));
  }

  add(doc, idKey) {
    for (const { keys } of this.entriesOf(doc)) {
      keys.forEach((key, i) => addToBucket(this.prefixMaps[i], key, idKey));
    }
  }

  remove(doc, idKey) {
    for (const { keys } of this.entriesOf(doc)) {
      keys.forEach((key, i) => removeFromBucket(this.prefixMaps[i], key, idKey));
    }
  }

  /**
   * For a unique index: the first entry of `doc` already held by another document, as
   * {keyValue} for the E11000 error, else null.
   */
  findConflict(doc, idKey) {
    if (!this.unique) return null;
    const fullMap = this.prefixMaps[this.fields.length - 1];
    for (const { keys, values } of this.entriesOf(doc)) {
      const holders = fullMap.get(keys[keys.length - 1]);
      if (holders === undefined) continue;
      if (typeof holders === 'string' ? holders !== idKey : [...holders].some((id) => id !== idKey)) {
        return { keyValue: Object.fromEntries(this.fields.map((field, i) => [field, values[i] ?? null])) };
      }
    }
    return null;
  }

  /** Ids of the documents whose first `count` fields have exactly these canonical keys. */
  lookup(components) {
    const key = components.length === 1 ? components[0] : JSON.stringify(components);
    const holders = this.prefixMaps[components.length - 1].get(key);
    if (holders === undefined) return [];
    return typeof holders === 'string' ? [holders] : [...holders];
  }

  /**
   * The same ids without copying them: only for a caller that finishes iterating before it
   * changes the collection (every read path, and writes that collect their matches first).
   */
  lookupLive(components) {
    const key = components.length === 1 ? components[0] : JSON.stringify(components);
    const holders = this.prefixMaps[components.length - 1].get(key);
    if (holders === undefined) return [];
    return typeof holders === 'string' ? [holders] : holders;
  }

  /** Can equality lookups use this index? (Partial and special indexes miss documents.) */
  get servesEquality() {
    return !this.special && !this.partialFilter;
  }

  clear() {
    for (const map of this.prefixMaps) map.clear();
  }

  /** The listIndexes document. */
  describe() {
    return { v: 2, key: this.keyPattern, name: this.name, ...optionsOf(this.spec) };
  }

  /** Same key pattern and the options that distinguish indexes? */
  sameDefinition(spec) {
    return sameKeyPattern(this.keyPattern, spec.key)
      && IDENTITY_OPTIONS.every((option) => sameOption(this.spec[option], spec[option]));
  }
}

function optionsOf(spec) {
  const { key: _key, name: _name, v: _v, background: _bg, ns: _ns, ...options } = spec;
  return options;
}

export function sameKeyPattern(a, b) {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && compareValues(a[k], b[k]) === 0);
}

function sameOption(a, b) {
  // unique/sparse: false and absent are the same index
  if ((a === undefined || a === false) && (b === undefined || b === false)) return true;
  if (a === undefined || b === undefined) return false;
  return compareValues(a, b) === 0;
}

function dedupe(values) {
  if (values.length < 2) return values;
  const seen = new Set();
  return values.filter((value) => {
    const key = keyOfIndexedValue(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function addToBucket(map, key, idKey) {
  const holders = map.get(key);
  if (holders === undefined) map.set(key, idKey);
  else if (typeof holders === 'string') {
    if (holders !== idKey) map.set(key, new Set([holders, idKey]));
  } else holders.add(idKey);
}

function removeFromBucket(map, key, idKey) {
  const holders = map.get(key);
  if (holders === undefined) return;
  if (typeof holders === 'string') {
    if (holders === idKey) map.delete(key);
    return;
  }
  holders.delete(idKey);
  if (holders.size === 1) map.set(key, holders.values().next().value);
  else if (holders.size === 0) map.delete(key);
}

