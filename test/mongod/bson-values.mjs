/**
 * MongoDB's view of the values `bson.deserialize` hands us (with promoteValues on: int32, int64
 * within 2^53 and double all arrive as JS numbers): their BSON type names, the canonical
 * cross-type sort order, comparison, equality and copying. Sorting, $min/$max, $addToSet,
 * distinct and index keys all depend on these agreeing with mongod.
 */
import { Binary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The BSON type a value will be serialized as. Integral JS numbers inside int32 range go out as
 * int32 and the rest as double (that is what the bson serializer does), so that is what we report.
 */
export function bsonTypeName(value) {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? 'int' : 'double';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'bigint': return 'long';
    default: break;
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp || value instanceof BSONRegExp) return 'regex';
  switch (value._bsontype) {
    case 'ObjectId': return 'objectId';
    case 'Decimal128': return 'decimal';
    case 'Long': return 'long';
    case 'Int32': return 'int';
    case 'Double': return 'double';
    case 'Binary': return 'binData';
    case 'Timestamp': return 'timestamp';
    case 'MinKey': return 'minKey';
    case 'MaxKey': return 'maxKey';
    case 'BSONSymbol': return 'symbol';
    case 'Code': return value.scope ? 'javascriptWithScope' : 'javascript';
    case 'DBRef': return 'object';
    default: return 'object';
  }
}

/** `$type` accepts names and numbers; this is mongod's table of both. */
export const TYPE_NUMBERS = Object.freeze({
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8,
  date: 9, null: 10, regex: 11, dbPointer: 12, javascript: 13, symbol: 14,
  javascriptWithScope: 15, int: 16, timestamp: 17, long: 18, decimal: 19, minKey: -1, maxKey: 127,
});

const NUMERIC = new Set(['int', 'long', 'double', 'decimal']);

/** Does `value` have the BSON type `spec` (a name, a number or the alias "number")? */
export function hasBsonType(value, spec) {
  const name = bsonTypeName(value);
  if (spec === 'number') return NUMERIC.has(name);
  if (typeof spec === 'number') return TYPE_NUMBERS[name] === spec;
  return name === spec;
}

/** Canonical sort classes: MinKey < null < numbers < strings < objects < arrays < BinData < ... */
const SORT_CLASS = {
  minKey: 1, missing: 2, null: 2, undefined: 2, int: 3, long: 3, double: 3, decimal: 3,
  symbol: 4, string: 4, object: 5, array: 6, binData: 7, objectId: 8, bool: 9, date: 10,
  timestamp: 11, regex: 12, dbPointer: 13, javascript: 14, javascriptWithScope: 15, maxKey: 16,
};

export function sortClass(value) {
  return SORT_CLASS[bsonTypeName(value)];
}

export function isNumeric(value) {
  return NUMERIC.has(bsonTypeName(value));
}

/** A JS number for any numeric BSON value (exact for everything the driver sends in practice). */
export function toNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number.parseFloat(value.toString());
  if (value && typeof value.valueOf === 'function') return Number(value.valueOf());
  return Number.NaN;
}

export function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function compareNumbers(a, b) {
  const x = toNumber(a);
  const y = toNumber(b);
  // mongod orders NaN below every other number.
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return cmp(x, y);
}

function compareBytes(a, b) {
  const size = Math.min(a.length, b.length);
  for (let i = 0; i < size; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return cmp(a.length, b.length);
}

function regexParts(value) {
  return value instanceof RegExp ? [value.source, value.flags] : [value.pattern, value.options];
}

/** Compares two documents the way BSONObj::woCompare does: per field, type class, name, value. */
function compareDocuments(a, b) {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const size = Math.min(ka.length, kb.length);
  for (let i = 0; i < size; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    const byClass = cmp(sortClass(va), sortClass(vb));
    if (byClass) return byClass;
    const byName = cmp(ka[i], kb[i]);
    if (byName) return byName;
    const byValue = compareValues(va, vb);
    if (byValue) return byValue;
  }
  return cmp(ka.length, kb.length);
}

/** Total order over BSON values, as mongod sorts and compares them (no collation). */
export function compareValues(a, b) {
  const classA = sortClass(a);
  const classB = sortClass(b);
  if (classA !== classB) return cmp(classA, classB);
  switch (classA) {
    case 2: case 1: case 16: return 0;
    case 3: return compareNumbers(a, b);
    case 4: return cmp(String(a instanceof BSONSymbol ? a.value : a), String(b instanceof BSONSymbol ? b.value : b));
    case 5: return compareDocuments(a, b);
    case 6: {
      const size = Math.min(a.length, b.length);
      for (let i = 0; i < size; i++) {
        const c = compareValues(a[i], b[i]);
        if (c) return c;
      }
      return cmp(a.length, b.length);
    }
    case 7: {
      // BinData: length first, then subtype, then bytes.
      const byLength = cmp(a.length(), b.length());
      if (byLength) return byLength;
      return cmp(a.sub_type, b.sub_type) || compareBytes(a.value(), b.value());
    }
    case 8: return compareBytes(a.id, b.id);
    case 9: return cmp(a, b);
    case 10: return cmp(a.getTime(), b.getTime());
    case 11: return cmp(a.high >>> 0, b.high >>> 0) || cmp(a.low >>> 0, b.low >>> 0);
    case 12: {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return cmp(pa, pb) || cmp(fa, fb);
    }
    default: return cmp(String(a), String(b));
  }
}

export function valuesEqual(a, b) {
  return compareValues(a, b) === 0;
}

/**
 * Deep copy of a stored document: arrays and plain objects are copied, BSON value objects
 * (ObjectId, Binary, Decimal128, ...) are immutable in practice and shared. Dates are copied
 * because JS lets callers mutate them.
 */
export function deepCopy(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy);
  if (value instanceof Date) return new Date(value.getTime());
  if (!isPlainObject(value)) return value;
  const out = {};
  for (const key of Object.keys(value)) out[key] = deepCopy(value[key]);
  return out;
}

export { Binary, BSONRegExp, Code, DBRef, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp };
