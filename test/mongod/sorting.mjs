/**
 * Sorting as mongod does it: keys compared with the BSON cross-type order, an array field sorts by
 * its smallest element ascending and its largest descending, missing equals null, and documents
 * with equal keys keep their input order.
 */
import { compareValues, isPlainObject, toNumber } from './bson-values.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';

/** Parses a sort spec into [{parts, direction}], rejecting what mongod rejects. */
export function parseSortSpec(spec) {
  if (!isPlainObject(spec)) throw new MongoError(ErrorCodes.TypeMismatch, 'Expected field sort to be of type object');
  const keys = [];
  for (const [path, direction] of Object.entries(spec)) {
    if (isPlainObject(direction) && '$meta' in direction) continue; // text score: no text search here, so no-op
    const n = toNumber(direction);
    if (n !== 1 && n !== -1) {
      throw new MongoError(ErrorCodes.Location15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
    keys.push({ path, parts: path.split('.'), direction: n });
  }
  return keys;
}

/** All values along a path, arrays expanded (one level per path step, as mongod's key generator). */
function sortCandidates(value, parts, depth, out) {
  if (depth === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else out.push(...value);
    } else out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(undefined);
    for (const element of value) sortCandidates(element, parts, depth, out);
    return;
  }
  if (isPlainObject(value)) sortCandidates(value[parts[depth]], parts, depth + 1, out);
  else out.push(undefined);
}

function sortKey(doc, parts, direction) {
  const candidates = [];
  sortCandidates(doc, parts, 0, candidates);
  let best = candidates[0];
  for (let i = 1; i < candidates.length; i++) {
    const c = compareValues(candidates[i], best);
    if (direction === 1 ? c < 0 : c > 0) best = candidates[i];
  }
  return best;
}

/** Returns a new array sorted by `spec` (an object like {a: 1, b: -1}); stable. */
export function sortDocuments(docs, spec) {
  const keys = Array.isArray(spec) ? spec : parseSortSpec(spec);
  if (keys.length === 0) return docs.slice();
  const decorated = docs.map((doc, position) => ({
    doc,
    position,
    values: keys.map(({ parts, direction }) => sortKey(doc, parts, direction)),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c) return c * keys[i].direction;
    }
    return a.position - b.position;
  });
  return decorated.map((entry) => entry.doc);
}
