/**
 * Hash-index keys. An equality lookup (`{email: "a@b"}`, `{_id: id}`) must find its documents
 * without scanning, so every index keeps a Map from a canonical string of the indexed values to
 * the documents holding them. Values that mongod considers equal in an index (1, 1.0, NumberLong(1))
 * must map to the same string, and different values to different strings.
 */
import { Decimal128, Long } from 'bson';
import { bsonTypeName, isPlainObject } from './bson-values.mjs';

/** Marks an empty array at the end of an index path (mongod indexes it as `undefined`). */
const EMPTY_ARRAY_KEY = 'E';
const NULL_KEY = 'N';

function numberKey(n) {
  return `n${Object.is(n, -0) ? 0 : n}`;
}

export function canonicalKey(value) {
  if (value === undefined || value === null) return NULL_KEY;
  switch (typeof value) {
    case 'number': return numberKey(value);
    case 'string': return `s${value}`;
    case 'boolean': return value ? 'b1' : 'b0';
    default: break;
  }
  if (value instanceof Date) return `t${value.getTime()}`;
  if (Array.isArray(value)) return `[${JSON.stringify(value.map(canonicalKey))}`;
  if (isPlainObject(value)) {
    const parts = [];
    for (const key of Object.keys(value)) parts.push(key, canonicalKey(value[key]));
    return `{${JSON.stringify(parts)}`;
  }
  if (value instanceof RegExp) return `r${value.source}/${value.flags}`;
  switch (bsonTypeName(value)) {
    case 'objectId': return `o${value.toHexString()}`;
    case 'long': {
      const long = value instanceof Long ? value : Long.fromBigInt(BigInt(value));
      const asNumber = long.toNumber();
      return Number.isSafeInteger(asNumber) ? numberKey(asNumber) : `n${long.toString()}`;
    }
    case 'decimal': {
      const asNumber = Number.parseFloat(/** @type {Decimal128} */ (value).toString());
      return Number.isFinite(asNumber) ? numberKey(asNumber) : `d${value.toString()}`;
    }
    case 'binData': return `x${value.sub_type}:${value.toString('base64')}`;
    case 'timestamp': return `T${value.toString()}`;
    case 'regex': return `r${value.pattern}/${value.options}`;
    case 'minKey': return '<';
    case 'maxKey': return '>';
    default: return `?${String(value)}`;
  }
}

/**
 * All values an index on `parts` (a dotted path split on ".") holds for `doc`, following mongod's
 * multikey rules: arrays met along the path or at its end contribute one key per element, a
 * missing field is null. Returns the raw values; callers turn them into canonical keys.
 */
export function indexedValues(doc, parts) {
  const out = [];
  collect(doc, parts, 0, out);
  return out;
}

function collect(value, parts, depth, out) {
  if (depth === parts.length) {
    if (!Array.isArray(value)) out.push(value ?? null);
    else if (value.length === 0) out.push(EMPTY_ARRAY);
    else for (const element of value) out.push(element);
    return;
  }
  const part = parts[depth];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, depth + 1, out);
      return;
    }
    if (value.length === 0) out.push(null);
    for (const element of value) {
      if (isPlainObject(element)) collect(element[part], parts, depth + 1, out);
      else out.push(null);
    }
    return;
  }
  if (isPlainObject(value)) collect(value[part], parts, depth + 1, out);
  else out.push(null);
}

/** Stand-in value for "empty array at the end of the path"; never equal to a query value. */
export const EMPTY_ARRAY = Object.freeze({ [Symbol.for('mongod.emptyArray')]: true });

export function keyOfIndexedValue(value) {
  return value === EMPTY_ARRAY ? EMPTY_ARRAY_KEY : canonicalKey(value);
}

/** Does a document have any value at `parts` (used for sparse indexes)? */
export function pathExists(doc, parts) {
  let values = [doc];
  for (const part of parts) {
    const next = [];
    for (const value of values) {
      if (Array.isArray(value)) {
        for (const element of value) if (isPlainObject(element) && part in element) next.push(element[part]);
        if (/^\d+$/.test(part) && Number(part) < value.length) next.push(value[Number(part)]);
      } else if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) {
        next.push(value[part]);
      }
    }
    if (next.length === 0) return false;
    values = next;
  }
  return true;
}
