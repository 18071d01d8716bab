/**
 * Chooses the documents a filter has to be tested against. Equality conditions on `_id` or on the
 * leading fields of a hash index become direct lookups; everything else scans. The result is a
 * superset of the matches: callers always test the full filter afterwards.
 */
import { isPlainObject } from './bson-values.mjs';
import { canonicalKey } from './index-keys.mjs';

/** Upper bound on `$in` combinations worth looking up one by one. */
const MAX_LOOKUPS = 100_000;

function isLookupValue(value) {
  if (value === undefined || value instanceof RegExp || Array.isArray(value)) return false;
  if (value !== null && typeof value === 'object') {
    if (value._bsontype === 'BSONRegExp') return false;
    if (isPlainObject(value)) return Object.keys(value).every((key) => !key.startsWith('$'));
  }
  return true;
}

/** Equality values a filter pins each top-level path to: Map<path, values[]> (one of them must hold). */
export function equalityConstraints(filter, out = new Map()) {
  if (!isPlainObject(filter)) return out;
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const clause of condition) equalityConstraints(clause, out);
      continue;
    }
    if (path.startsWith('$') || out.has(path)) continue;
    if (isLookupValue(condition)) {
      out.set(path, [condition]);
    } else if (isPlainObject(condition)) {
      if ('$eq' in condition && isLookupValue(condition.$eq)) out.set(path, [condition.$eq]);
      else if (Array.isArray(condition.$in) && condition.$in.length > 0 && condition.$in.every(isLookupValue)) {
        out.set(path, condition.$in);
      }
    }
  }
  return out;
}

function cartesian(lists) {
  let combos = [[]];
  for (const list of lists) {
    const next = [];
    for (const combo of combos) for (const item of list) next.push([...combo, item]);
    combos = next;
    if (combos.length > MAX_LOOKUPS) return null;
  }
  return combos;
}

/**
 * @param {import('./collection.mjs').Collection} collection
 * @returns {Iterable<object>} candidate documents in natural order for scans
 */
export function candidateDocuments(collection, filter) {
  const constraints = equalityConstraints(filter);
  if (constraints.size === 0) return collection.docs.values();

  const ids = constraints.get('_id');
  if (ids && ids.length <= MAX_LOOKUPS) {
    const found = [];
    const seen = new Set();
    for (const id of ids) {
      const key = canonicalKey(id);
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = collection.docs.get(key);
      if (doc) found.push(doc);
    }
    return found;
  }

  let best = null;
  for (const index of collection.indexes.values()) {
    if (!index.servesEquality) continue;
    const lists = [];
    for (const field of index.fields) {
      const values = constraints.get(field);
      if (!values) break;
      // A sparse index has no entry for documents missing the field, which `null` matches.
      if (index.sparse && values.some((value) => value === null)) break;
      lists.push(values);
    }
    if (lists.length === 0) continue;
    if (best && lists.length <= best.lists.length) continue;
    best = { index, lists };
  }
  if (!best) return collection.docs.values();

  const combos = cartesian(best.lists);
  if (!combos) return collection.docs.values();
  // One combination (the usual case): walk the index lazily, so a limit can stop early.
  if (combos.length === 1) return lookedUp(collection, best.index.lookupLive(combos[0].map(canonicalKey)));
  const idKeys = new Set();
  for (const combo of combos) {
    for (const idKey of best.index.lookup(combo.map(canonicalKey))) idKeys.add(idKey);
  }
  const found = [];
  for (const idKey of idKeys) {
    const doc = collection.docs.get(idKey);
    if (doc) found.push(doc);
  }
  return found;
}

/**
 * The filter without its top-level `_id` equality or `$in` when `candidateDocuments` answers that
 * part by direct lookup: testing each candidate against a long `$in` list again would cost
 * O(candidates × list) for nothing.
 */
export function withoutIdLookup(filter) {
  if (!isPlainObject(filter) || !('_id' in filter)) return filter;
  const condition = filter._id;
  if (isPlainObject(condition) && Object.keys(condition).some((key) => key !== '$in' && key !== '$eq')) return filter;
  const ids = equalityConstraints({ _id: condition }).get('_id');
  if (!ids || ids.length > MAX_LOOKUPS) return filter;
  const { _id: _ignored, ...rest } = filter;
  return rest;
}

function* lookedUp(collection, idKeys) {
  for (const idKey of idKeys) {
    const doc = collection.docs.get(idKey);
    if (doc) yield doc;
  }
}
