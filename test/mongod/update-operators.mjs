/**
 * The update operators themselves, each applied to one field of one container (a document or an
 * array) of the working copy of a document. They set `ctx.changed` only when the value really
 * changes, which is what `nModified` counts, and raise mongod's errors for type mismatches.
 */
import { Decimal128, Long, Timestamp } from 'bson';
import { decimalArithmetic } from './decimal-math.mjs';
import { bsonTypeName, compareValues, deepCopy, isNumeric, isPlainObject, toNumber } from './bson-values.mjs';
import { ErrorCodes, MongoError } from './errors.mjs';
import { Query } from 'mingo/query';
import { mingoOptions } from './mingo-context.mjs';
import { renderDocument, renderValue } from './render.mjs';
import { sortDocuments } from './sorting.mjs';

const isIndex = (field) => /^\d+$/.test(field);

export function getField(container, field) {
  if (Array.isArray(container)) return isIndex(field) ? container[Number(field)] : undefined;
  return Object.prototype.hasOwnProperty.call(container, field) ? container[field] : undefined;
}

export function setField(container, field, value) {
  if (Array.isArray(container)) {
    const index = Number(field);
    while (container.length < index) container.push(null);
    container[index] = value;
  } else {
    container[field] = value;
  }
}

function unsetField(container, field) {
  if (Array.isArray(container)) container[Number(field)] = null; // mongod keeps array positions
  else delete container[field];
}

/** Strict equality for no-op detection: same BSON type and same value (field order included). */
function sameValue(a, b) {
  return a !== undefined && bsonTypeName(a) === bsonTypeName(b) && compareValues(a, b) === 0;
}

function put(container, field, value, ctx) {
  if (sameValue(getField(container, field), value)) return;
  setField(container, field, value);
  ctx.changed = true;
}

function idContext(ctx) {
  return renderDocument({ _id: ctx.original._id });
}

// ---- arithmetic -------------------------------------------------------------------------------

function arithmetic(a, b, op) {
  if (a instanceof Decimal128 || b instanceof Decimal128) return decimalArithmetic(a, b, op);
  const bigA = a instanceof Long || typeof a === 'bigint';
  const bigB = b instanceof Long || typeof b === 'bigint';
  if ((bigA || bigB) && Number.isInteger(toNumber(a)) && Number.isInteger(toNumber(b))) {
    const x = BigInt(a instanceof Long ? a.toString() : a);
    const y = BigInt(b instanceof Long ? b.toString() : b);
    const result = op === '+' ? x + y : x * y;
    const asNumber = Number(result);
    return Number.isSafeInteger(asNumber) ? asNumber : Long.fromBigInt(result);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  return op === '+' ? x + y : x * y;
}

function numericUpdate(container, field, leaf, ctx, op) {
  const name = leaf.operator;
  const argument = leaf.argument;
  if (!isNumeric(argument)) {
    const verb = name === '$inc' ? 'increment' : 'multiply';
    throw new MongoError(ErrorCodes.TypeMismatch, `Cannot ${verb} with non-numeric argument: {${leaf.path}: ${renderValue(argument)}}`);
  }
  const current = getField(container, field);
  if (current === undefined) {
    // A missing field counts as 0: $inc sets the increment, $mul sets a zero of the argument's type.
    put(container, field, op === '+' ? argument : arithmetic(0, argument, '*'), ctx);
    return;
  }
  if (!isNumeric(current)) {
    throw new MongoError(ErrorCodes.TypeMismatch, `Cannot apply ${name} to a value of non-numeric type. ${idContext(ctx)} has the field '${field}' of non-numeric type ${bsonTypeName(current)}`);
  }
  put(container, field, arithmetic(current, argument, op), ctx);
}

// ---- arrays -----------------------------------------------------------------------------------

function arrayAt(container, field, ctx, operatorName) {
  const current = getField(container, field);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) {
    if (operatorName === '$push') {
      throw new MongoError(ErrorCodes.BadValue, `The field '${field}' must be an array but is of type ${bsonTypeName(current)} in document ${idContext(ctx)}`);
    }
    if (operatorName === '$addToSet') {
      throw new MongoError(ErrorCodes.BadValue, `Cannot apply $addToSet to non-array field. Field named '${field}' has non-array type ${bsonTypeName(current)}`);
    }
    if (operatorName === '$pop') {
      throw new MongoError(ErrorCodes.TypeMismatch, `Path '${field}' contains an element of non-array type '${bsonTypeName(current)}'`);
    }
    throw new MongoError(ErrorCodes.BadValue, 'Cannot apply $pull to a non-array value');
  }
  return current;
}

function isEachForm(argument) {
  return isPlainObject(argument) && Object.prototype.hasOwnProperty.call(argument, '$each');
}

function pushSortValues(values, sortSpec) {
  if (isPlainObject(sortSpec)) return sortDocuments(values, sortSpec);
  const direction = toNumber(sortSpec);
  if (direction !== 1 && direction !== -1) {
    throw new MongoError(ErrorCodes.BadValue, 'The $sort element value must be either 1 or -1');
  }
  return values.slice().sort((a, b) => compareValues(a, b) * direction);
}

function $push(container, field, leaf, ctx) {
  const argument = leaf.argument;
  let each = [argument];
  let position;
  let slice;
  let sort;
  if (isEachForm(argument)) {
    for (const key of Object.keys(argument)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(key)) {
        throw new MongoError(ErrorCodes.BadValue, `Unrecognized clause in $push: ${key}`);
      }
    }
    if (!Array.isArray(argument.$each)) {
      throw new MongoError(ErrorCodes.BadValue, `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(argument.$each)}`);
    }
    each = argument.$each;
    if (argument.$position !== undefined) position = Math.trunc(toNumber(argument.$position));
    if (argument.$slice !== undefined) slice = Math.trunc(toNumber(argument.$slice));
    sort = argument.$sort;
  }
  const current = arrayAt(container, field, ctx, '$push');
  const before = current ?? [];
  let next = before.slice();
  const insertAt = position === undefined ? next.length
    : position < 0 ? Math.max(0, next.length + position) : Math.min(position, next.length);
  next.splice(insertAt, 0, ...each.map(deepCopy));
  if (sort !== undefined) next = pushSortValues(next, sort);
  if (slice !== undefined) next = slice >= 0 ? next.slice(0, slice) : next.slice(Math.max(0, next.length + slice));
  if (current === undefined || compareValues(before, next) !== 0) {
    setField(container, field, next);
    ctx.changed = true;
  }
}

function $addToSet(container, field, leaf, ctx) {
  const values = isEachForm(leaf.argument) ? leaf.argument.$each : [leaf.argument];
  if (!Array.isArray(values)) {
    throw new MongoError(ErrorCodes.TypeMismatch, `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(values)}`);
  }
  const current = arrayAt(container, field, ctx, '$addToSet');
  const next = current ? current.slice() : [];
  for (const value of values) {
    if (!next.some((existing) => compareValues(existing, value) === 0)) next.push(deepCopy(value));
  }
  if (current === undefined || next.length !== current.length) {
    setField(container, field, next);
    ctx.changed = true;
  }
}

function $pop(container, field, leaf, ctx) {
  const direction = toNumber(leaf.argument);
  if (direction !== 1 && direction !== -1) {
    throw new MongoError(ErrorCodes.FailedToParse, `$pop expects 1 or -1, found: ${renderValue(leaf.argument)}`);
  }
  const current = arrayAt(container, field, ctx, '$pop');
  if (!current || current.length === 0) return;
  setField(container, field, direction === 1 ? current.slice(0, -1) : current.slice(1));
  ctx.changed = true;
}

/** $pull's matcher: a query for document elements, an operator expression, or plain equality. */
function pullPredicate(condition) {
  if (!isPlainObject(condition)) return (element) => compareValues(element, condition) === 0;
  const keys = Object.keys(condition);
  const isOperatorExpression = keys.length > 0 && keys.every((key) => key.startsWith('$') && !['$and', '$or', '$nor'].includes(key));
  if (isOperatorExpression) {
    const query = new Query({ value: condition }, mingoOptions());
    return (element) => query.test({ value: element });
  }
  const query = new Query(condition, mingoOptions());
  return (element) => isPlainObject(element) && query.test(element);
}

function removeWhere(container, field, ctx, operatorName, predicate) {
  const current = arrayAt(container, field, ctx, operatorName);
  if (!current) return;
  const next = current.filter((element) => !predicate(element));
  if (next.length !== current.length) {
    setField(container, field, next);
    ctx.changed = true;
  }
}

function $pull(container, field, leaf, ctx) {
  removeWhere(container, field, ctx, '$pull', pullPredicate(leaf.argument));
}

function $pullAll(container, field, leaf, ctx) {
  if (!Array.isArray(leaf.argument)) {
    throw new MongoError(ErrorCodes.BadValue, `$pullAll requires an array argument but was given a ${bsonTypeName(leaf.argument)}`);
  }
  removeWhere(container, field, ctx, '$pullAll', (element) => leaf.argument.some((value) => compareValues(element, value) === 0));
}

// ---- the rest ---------------------------------------------------------------------------------

function $set(container, field, leaf, ctx) {
  put(container, field, deepCopy(leaf.argument), ctx);
}

function $setOnInsert(container, field, leaf, ctx) {
  if (ctx.isInsert) $set(container, field, leaf, ctx);
}

function $unset(container, field, _leaf, ctx) {
  if (getField(container, field) === undefined) return;
  unsetField(container, field);
  ctx.changed = true;
}

function minMax(container, field, leaf, ctx, wantSmaller) {
  const current = getField(container, field);
  if (current === undefined) return put(container, field, deepCopy(leaf.argument), ctx);
  const c = compareValues(leaf.argument, current);
  if (wantSmaller ? c < 0 : c > 0) put(container, field, deepCopy(leaf.argument), ctx);
  return undefined;
}

function $currentDate(container, field, leaf, ctx) {
  const spec = leaf.argument;
  let type;
  if (spec === true || spec === false) type = 'date';
  else if (isPlainObject(spec) && (spec.$type === 'date' || spec.$type === 'timestamp')) type = spec.$type;
  else {
    throw new MongoError(ErrorCodes.BadValue, `${leaf.path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`);
  }
  const value = type === 'date' ? new Date(ctx.now) : new Timestamp({ t: Math.floor(ctx.now / 1000), i: ctx.nextTimestampIncrement() });
  setField(container, field, value);
  ctx.changed = true;
}

function $bit(container, field, leaf, ctx) {
  if (!isPlainObject(leaf.argument)) {
    throw new MongoError(ErrorCodes.BadValue, `The $bit modifier is not compatible with a ${bsonTypeName(leaf.argument)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
  }
  const current = getField(container, field) ?? 0;
  if (!Number.isInteger(toNumber(current))) {
    throw new MongoError(ErrorCodes.BadValue, `Cannot apply $bit to a value of non-integral type.${idContext(ctx)} has the field ${field} of non-integer type ${bsonTypeName(current)}`);
  }
  let value = BigInt(toNumber(current));
  for (const [op, operand] of Object.entries(leaf.argument)) {
    const n = BigInt(toNumber(operand));
    if (op === 'and') value &= n;
    else if (op === 'or') value |= n;
    else if (op === 'xor') value ^= n;
    else throw new MongoError(ErrorCodes.BadValue, `The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${renderValue(operand)}}`);
  }
  put(container, field, Number(BigInt.asIntN(64, value)), ctx);
}

function $renameFrom(container, field, leaf, ctx) {
  $unset(container, field, leaf, ctx);
}

/** Moves the value the source path held in the document before this update. */
function $renameTo(container, field, leaf, ctx) {
  const value = ctx.valueInOriginal(leaf.argument);
  if (value === undefined) return;
  put(container, field, deepCopy(value), ctx);
}

export const LEAF_OPERATORS = {
  $set,
  $setOnInsert,
  $unset,
  $inc: (c, f, l, ctx) => numericUpdate(c, f, l, ctx, '+'),
  $mul: (c, f, l, ctx) => numericUpdate(c, f, l, ctx, '*'),
  $min: (c, f, l, ctx) => minMax(c, f, l, ctx, true),
  $max: (c, f, l, ctx) => minMax(c, f, l, ctx, false),
  $currentDate,
  $push,
  $addToSet,
  $pop,
  $pull,
  $pullAll,
  $bit,
  $renameFrom,
  $renameTo,
};
