/** Argument checks shared by the command handlers, with mongod's error codes and wording. */
import { isPlainObject, toNumber } from './bson-values.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { ID_INDEX_NAME } from './collection.mjs';
import { sameKeyPattern } from './hash-index.mjs';
import { bsonTypeName } from './bson-values.mjs';

/** The collection name a command names in its first field (`{find: "users"}`). */
export function collectionArg(command, commandName) {
  const name = command[commandName];
  if (typeof name !== 'string') {
    throw new MongoError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${bsonTypeName(name)}`);
  }
  if (name.length === 0) throw new MongoError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${command.$db}.'`);
  return name;
}

/** An optional non-negative integer option (skip, limit, batchSize). */
export function nonNegativeInt(command, field, commandName) {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const n = toNumber(value);
  if (!Number.isFinite(n)) {
    throw new MongoError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${bsonTypeName(value)}', expected types '[long, int, decimal, double']`);
  }
  if (n < 0) {
    throw new MongoError(ErrorCodes.BadValue, `BSON field '${field}' value must be >= 0, actual value '${n}'`);
  }
  return Math.trunc(n);
}

/** An optional document option (filter, sort, projection). */
export function documentArg(command, field, commandName) {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new MongoError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${bsonTypeName(value)}', expected type 'object'`);
  }
  return value;
}

/**
 * Checks that a `hint` names an index of the collection (by name or key pattern). `$natural`
 * hints and hints on a collection that does not exist yet are accepted, as mongod does.
 */
export function checkHint(collection, hint) {
  if (hint === undefined || hint === null || !collection || collection.isView) return;
  if (typeof hint === 'string') {
    if (hint === ID_INDEX_NAME || collection.indexes.has(hint)) return;
  } else if (isPlainObject(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0) return;
    if (keys.length === 1 && keys[0] === '$natural') return;
    if (sameKeyPattern(hint, { _id: 1 })) return;
    for (const index of collection.indexes.values()) if (sameKeyPattern(index.keyPattern, hint)) return;
  } else {
    throw new MongoError(ErrorCodes.FailedToParse, 'hint must be a string or an object');
  }
  throw new MongoError(ErrorCodes.BadValue, 'hint provided does not correspond to an existing index');
}

/**
 * The stand-in compares strings by code points only (mongod's "simple" collation). A query with
 * another collation would silently return mongod-incompatible results, so it is refused instead.
 */
export function refuseCollation(collation) {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  throw new MongoError(ErrorCodes.CommandNotSupported, 'collation other than {locale: "simple"} is not supported by the MongoDB stand-in (test/mongod); use a real mongod (MONGO_URL) for collation-sensitive tests');
}
